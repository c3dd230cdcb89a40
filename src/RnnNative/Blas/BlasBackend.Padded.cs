namespace RnnNative.Blas;

/// <remarks>
/// Padded GEMMs: a kernel may run an output width n that is not a multiple of its register tile well below its
/// rate at the next multiple (MKL's bfloat16 kernels most of all: docs/performance.md). A caller whose C rows have
/// room past the wanted columns (row padding) can ask for the padded width and ignore the extra columns. The wanted
/// columns hold the unpadded product: bit for bit on the managed backend and MKL, up to float32 summation order on
/// OpenBLAS, whose edge kernels sum differently. A backend that counts FLOPs counts the wanted columns'
/// 2·m·usedColumns·k.
/// </remarks>
public abstract partial class BlasBackend
{
    /// <summary><see cref="Sgemm"/> computing n columns of which only the first <paramref name="usedColumns"/> are wanted.</summary>
    internal void SgemmPadded(bool transA, bool transB, int m, int n, int usedColumns, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        CheckUsedColumns(n, usedColumns);
        GemmArgs.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        PaddedSgemmCore(transA, transB, m, n, usedColumns, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary><see cref="GemmBf16"/> computing n columns of which only the first <paramref name="usedColumns"/> are wanted.</summary>
    internal void GemmBf16Padded(bool transA, bool transB, int m, int n, int usedColumns, int k, float alpha,
        ReadOnlySpan<ushort> a, int lda, ReadOnlySpan<ushort> b, int ldb, float beta, Span<float> c, int ldc)
    {
        CheckUsedColumns(n, usedColumns);
        GemmArgs.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (!SupportsBf16Gemm(out string reason)) throw new NotSupportedException(reason);
        PaddedGemmBf16Core(transA, transB, m, n, usedColumns, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>Unchecked <see cref="SgemmPadded"/>: a plain <see cref="SgemmCore"/> unless a wrapper passes the wanted width on.</summary>
    private protected virtual void PaddedSgemmCore(bool transA, bool transB, int m, int n, int usedColumns, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc) =>
        SgemmCore(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>Unchecked <see cref="GemmBf16Padded"/>: a plain <see cref="GemmBf16Core"/> unless a wrapper passes the wanted width on.</summary>
    private protected virtual void PaddedGemmBf16Core(bool transA, bool transB, int m, int n, int usedColumns, int k,
        float alpha, ReadOnlySpan<ushort> a, int lda, ReadOnlySpan<ushort> b, int ldb, float beta, Span<float> c, int ldc) =>
        GemmBf16Core(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    private static void CheckUsedColumns(int n, int usedColumns)
    {
        if (usedColumns < 0 || usedColumns > n)
            throw new ArgumentOutOfRangeException(nameof(usedColumns), usedColumns, $"The wanted columns must be in [0, n = {n}].");
    }
}
