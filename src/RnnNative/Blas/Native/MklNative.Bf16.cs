namespace RnnNative.Blas.Native;

/// <summary>MKL's mixed-precision GEMM: bfloat16 A and B, float32 C, alpha and beta (MKL 2020 and later).</summary>
internal static unsafe partial class MklNative
{
    // void cblas_gemm_bf16bf16f32(layout, transA, transB, M, N, K, alpha, const MKL_BF16* A, lda,
    //                             const MKL_BF16* B, ldb, beta, float* C, ldc); MKL_BF16 is an unsigned 16-bit integer
    public static delegate* unmanaged<int, int, int, int, int, int, float, ushort*, int, ushort*, int, float, float*, int, void> cblas_gemm_bf16bf16f32;

    private static void ResolveBf16(LoadedLibrary lib) =>
        cblas_gemm_bf16bf16f32 = (delegate* unmanaged<int, int, int, int, int, int, float, ushort*, int, ushort*, int, float, float*, int, void>)
            lib.Export(nameof(cblas_gemm_bf16bf16f32));
}
