using RnnNative.Blas.Native;
using X86 = System.Runtime.Intrinsics.X86;

namespace RnnNative.Blas;

internal sealed unsafe partial class MklBackend
{
    private const int CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112;

    /// <summary>MKL's bfloat16 GEMM runs natively only on CPUs with AVX512_BF16; elsewhere it is refused, not emulated.</summary>
    public override bool SupportsBf16Gemm(out string reason)
    {
        reason = HasAvx512Bf16() ? "" :
            "bfloat16 GEMMs on MKL need a CPU with AVX512_BF16 (vdpbf16ps), which this CPU lacks; " +
            "use --precision fp32, or --backend managed for the emulation (bfloat16 operands, float32 GEMM).";
        return reason.Length == 0;
    }

    public override string Bf16Kernel => SupportsBf16Gemm(out _) ? "MKL cblas_gemm_bf16bf16f32 (AVX512_BF16)" : "";

    protected override void GemmBf16Core(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<ushort> a, int lda, ReadOnlySpan<ushort> b, int ldb, float beta, Span<float> c, int ldc)
    {
        ApplyThreads();
        fixed (ushort* pa = a)
        fixed (ushort* pb = b)
        fixed (float* pc = c)
        {
            MklNative.cblas_gemm_bf16bf16f32(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
                transB ? CblasTrans : CblasNoTrans, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    // CPUID.(EAX=7, ECX=1):EAX[5] = AVX512_BF16; only meaningful when AVX-512 itself is usable.
    private static bool HasAvx512Bf16() =>
        X86.X86Base.IsSupported && X86.Avx512F.IsSupported && X86.X86Base.CpuId(0, 0).Eax >= 7 &&
        (X86.X86Base.CpuId(7, 1).Eax & (1 << 5)) != 0;
}
