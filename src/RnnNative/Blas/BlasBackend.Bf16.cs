namespace RnnNative.Blas;

public abstract partial class BlasBackend
{
    /// <summary>
    /// Checked row-major mixed-precision GEMM: bfloat16 A and B (<see cref="BFloat16"/> bits), float32 C, alpha and
    /// beta; products accumulate in float32. Same storage conventions as <see cref="Sgemm"/>.
    /// </summary>
    /// <remarks>
    /// <c>C = alpha · op(widen(A)) · op(widen(B)) + beta · C</c>, widen being the exact bfloat16 → float32 map.
    /// Every backend that offers it computes this same definition: MKL with <c>vdpbf16ps</c> (pairs of bfloat16
    /// products added into float32), the managed backend by widening the operands and running its float32 GEMM
    /// (an emulation: no faster than float32). The results differ only in float32 summation order.
    /// </remarks>
    /// <exception cref="ArgumentException">A dimension, leading dimension or length does not fit.</exception>
    /// <exception cref="NotSupportedException">This backend has no bfloat16 GEMM here (<see cref="SupportsBf16Gemm"/> says why).</exception>
    public void GemmBf16(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<ushort> a, int lda, ReadOnlySpan<ushort> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArgs.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (!SupportsBf16Gemm(out string reason)) throw new NotSupportedException(reason);
        GemmBf16Core(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>Whether <see cref="GemmBf16"/> runs on this backend and CPU; if not, what is missing and what to use instead.</summary>
    public virtual bool SupportsBf16Gemm(out string reason)
    {
        reason = $"The {Kind} backend has no bfloat16 GEMM; use MKL on a CPU with AVX512_BF16, " +
                 "or the managed backend for the emulation (bfloat16 operands, float32 GEMM).";
        return false;
    }

    /// <summary>
    /// Whether <see cref="Sgemm"/> rounds its operands to bfloat16 and runs <see cref="GemmBf16"/> (a
    /// <see cref="Bf16Blas"/>): a caller that keeps bfloat16 copies of its operands may then call
    /// <see cref="Bf16Blas.GemmBf16"/> with them and get the same result without the rounding.
    /// </summary>
    internal virtual bool RoundsOperandsToBf16 => false;

    /// <summary>How <see cref="GemmBf16"/> runs here, e.g. the native kernel or "emulated"; "" when it does not.</summary>
    public virtual string Bf16Kernel => "";

    /// <summary>Unchecked bfloat16 GEMM: arguments were validated by <see cref="GemmBf16"/>.</summary>
    protected virtual void GemmBf16Core(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<ushort> a, int lda, ReadOnlySpan<ushort> b, int ldb, float beta, Span<float> c, int ldc) =>
        throw new NotSupportedException(SupportsBf16Gemm(out string reason) ? "GemmBf16Core is not implemented." : reason);

    /// <summary>The number of elements a stored matrix of <paramref name="rows"/> × <paramref name="cols"/> spans.</summary>
    private protected static int StoredLength(int rows, int cols, int ld) => (rows - 1) * ld + cols;
}
