using RnnNative.Blas.Native;

namespace RnnNative.Blas;

internal sealed unsafe partial class MklBackend
{
    private const int CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112;

    /// <summary>
    /// MKL's bfloat16 GEMM runs natively only on CPUs with AVX512_BF16 and with MKL's AVX-512 kernels loaded (then
    /// capped at AVX512_E3); elsewhere it is refused, not emulated.
    /// </summary>
    public override bool SupportsBf16Gemm(out string reason)
    {
        var cpu = CpuFeatures.Current;
        string name = cpu.ModelName.Length > 0 ? cpu.ModelName : "this CPU";
        reason = !cpu.Avx512Bf16
            ? $"bfloat16 GEMMs on MKL need a CPU with AVX512_BF16 (vdpbf16ps), which {name} lacks; " +
              "use --precision fp32, or --backend managed for the emulation (bfloat16 operands, float32 GEMM)."
            : !MklNative.Bf16Kernels
                ? $"bfloat16 GEMMs on MKL need its AVX-512 kernels, but MKL was loaded with instructions " +
                  $"{MklNative.Instructions.ToString().ToUpperInvariant()} ({BlasEnvironment.MklInstructionsVariable}); " +
                  "unset it or set it to avx512 (and run build.ps1 deps for libmkl_avx512.so)."
                : "";
        return reason.Length == 0;
    }

    public override string Bf16Kernel => SupportsBf16Gemm(out _) ? "MKL cblas_gemm_bf16bf16f32 (AVX512_BF16, cap AVX512_E3)" : "";

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
}
