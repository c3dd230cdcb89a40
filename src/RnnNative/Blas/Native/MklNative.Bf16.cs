namespace RnnNative.Blas.Native;

/// <summary>MKL's mixed-precision GEMM: bfloat16 A and B, float32 C, alpha and beta (MKL 2020 and later).</summary>
/// <remarks>
/// MKL runs <c>cblas_gemm_bf16bf16f32</c> on <c>vdpbf16ps</c> only when its instruction cap reaches AVX512_E3
/// (Cooper Lake); under the plain AVX512 cap it takes a path that is one to two orders of magnitude slower. So on a
/// CPU with AVX512_BF16 the AVX-512 level caps MKL at AVX512_E3, which leaves its float32 kernels as they are
/// (docs/precision.md has the rates under each cap).
/// </remarks>
internal static unsafe partial class MklNative
{
    private const int MKL_ENABLE_AVX512_E3 = 8;

    // void cblas_gemm_bf16bf16f32(layout, transA, transB, M, N, K, alpha, const MKL_BF16* A, lda,
    //                             const MKL_BF16* B, ldb, beta, float* C, ldc); MKL_BF16 is an unsigned 16-bit integer
    public static delegate* unmanaged<int, int, int, int, int, int, float, ushort*, int, ushort*, int, float, float*, int, void> cblas_gemm_bf16bf16f32;

    /// <summary>Whether MKL was loaded with the cap that runs its bfloat16 GEMM on <c>vdpbf16ps</c>.</summary>
    public static bool Bf16Kernels { get; private set; }

    private static void ResolveBf16(LoadedLibrary lib) =>
        cblas_gemm_bf16bf16f32 = (delegate* unmanaged<int, int, int, int, int, int, float, ushort*, int, ushort*, int, float, float*, int, void>)
            lib.Export(nameof(cblas_gemm_bf16bf16f32));

    // The AVX512_E3 cap on CPUs with AVX512_BF16 (their AVX-512 set includes everything E3 assumes); else null.
    private static int? Bf16CapFor(CpuFeatures cpu) => cpu.Avx512Bf16 && cpu.HasAvx512SkylakeSet ? MKL_ENABLE_AVX512_E3 : null;
}
