namespace RnnNative.Blas;

/// <summary>
/// Runs every single-precision GEMM as a bfloat16 GEMM on another backend: A and B rounded to bfloat16
/// (<see cref="BFloat16"/>), products accumulated into float32 C. Operands inside the parameter slab are read from
/// its bfloat16 copy (<see cref="Bf16Weights"/>, refreshed once per step); other operands are rounded into this
/// thread's scratch, packed (leading dimension = row length).
/// </summary>
/// <remarks>
/// Scratch buffers are per .NET thread and only grow, so a steady-state step allocates nothing. The weights' copy
/// is only as fresh as its last <see cref="Bf16Weights.Refresh"/>: the session refreshes it before each run, so a
/// GEMM that reads a weight after an optimizer updated it within the same run would read the old value.
/// </remarks>
public sealed class Bf16Blas : BlasBackend
{
    [ThreadStatic] private static ushort[]? _scratchA, _scratchB;

    private readonly BlasBackend _inner;
    private readonly bool _ownsInner;

    /// <summary>Wraps <paramref name="inner"/>, which must support <see cref="BlasBackend.GemmBf16"/>.</summary>
    /// <exception cref="NotSupportedException">The inner backend has no bfloat16 GEMM here; the message says why.</exception>
    public Bf16Blas(BlasBackend inner, Bf16Weights? weights, bool ownsInner = true)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!inner.SupportsBf16Gemm(out string reason)) throw new NotSupportedException(reason);
        _inner = inner;
        _ownsInner = ownsInner;
        Weights = weights;
    }

    /// <summary>The backend the bfloat16 GEMMs run on.</summary>
    public BlasBackend Inner => _inner;

    /// <summary>The parameter slab's bfloat16 copy, if any.</summary>
    public Bf16Weights? Weights { get; }

    /// <inheritdoc />
    public override BlasKind Kind => _inner.Kind;
    /// <inheritdoc />
    public override string LibraryPath => _inner.LibraryPath;
    /// <inheritdoc />
    public override string Version => _inner.Version;
    /// <inheritdoc />
    public override string Kernel => $"{_inner.Kernel}; bf16 GEMMs: {_inner.Bf16Kernel}";
    /// <inheritdoc />
    public override int LibraryThreads => _inner.LibraryThreads;
    /// <inheritdoc />
    public override int Threads { get => _inner.Threads; set => _inner.Threads = value; }
    /// <inheritdoc />
    public override bool SupportsBf16Gemm(out string reason) => _inner.SupportsBf16Gemm(out reason);
    /// <inheritdoc />
    public override string Bf16Kernel => _inner.Bf16Kernel;

    /// <summary>C = alpha · op(bf16(A)) · op(bf16(B)) + beta · C on the inner backend.</summary>
    protected override void SgemmCore(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc) =>
        PaddedSgemmCore(transA, transB, m, n, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    private protected override void PaddedSgemmCore(bool transA, bool transB, int m, int n, int usedColumns, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        var bitsA = Operand(a, transA ? k : m, transA ? m : k, lda, ref _scratchA, out int ldaBits);
        var bitsB = Operand(b, transB ? n : k, transB ? k : n, ldb, ref _scratchB, out int ldbBits);
        _inner.GemmBf16Padded(transA, transB, m, n, usedColumns, k, alpha, bitsA, ldaBits, bitsB, ldbBits, beta, c, ldc);
    }

    internal override bool RoundsOperandsToBf16 => true;

    /// <summary>
    /// <see cref="BlasBackend.Sgemm"/> for a caller that holds A already rounded: C = alpha · op(A) · op(bf16(B)) +
    /// beta · C, B read from the slab's copy or rounded like any operand. The same result as Sgemm on the floats
    /// A was rounded from.
    /// </summary>
    /// <exception cref="ArgumentException">A dimension, leading dimension or length does not fit.</exception>
    public void GemmBf16(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<ushort> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArgs.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        var bitsB = Operand(b, transB ? n : k, transB ? k : n, ldb, ref _scratchB, out int ldbBits);
        _inner.GemmBf16(transA, transB, m, n, k, alpha, a, lda, bitsB, ldbBits, beta, c, ldc);
    }

    /// <inheritdoc />
    protected override void GemmBf16Core(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<ushort> a, int lda, ReadOnlySpan<ushort> b, int ldb, float beta, Span<float> c, int ldc) =>
        _inner.GemmBf16(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    private protected override void PaddedGemmBf16Core(bool transA, bool transB, int m, int n, int usedColumns, int k,
        float alpha, ReadOnlySpan<ushort> a, int lda, ReadOnlySpan<ushort> b, int ldb, float beta, Span<float> c, int ldc) =>
        _inner.GemmBf16Padded(transA, transB, m, n, usedColumns, k, alpha, a, lda, b, ldb, beta, c, ldc);

    internal override BlasBackend? CreateSingleThreaded() =>
        _inner.CreateSingleThreaded() is { } serial ? new Bf16Blas(serial, Weights, ownsInner: true) : null;

    // A stored (rows × cols) matrix, rows `ld` apart, as bfloat16: the slab's copy in place, else rounded and packed.
    private ReadOnlySpan<ushort> Operand(ReadOnlySpan<float> matrix, int rows, int cols, int ld,
        ref ushort[]? scratch, out int ldBits)
    {
        int stored = StoredLength(rows, cols, ld);
        if (Weights != null && Weights.TryLocate(matrix[..stored], out int offset))
        {
            ldBits = ld;
            return Weights.Bits.AsSpan(offset, stored);
        }
        int packed = rows * cols;
        if (scratch == null || scratch.Length < packed) scratch = new ushort[Math.Max(packed, 2 * (scratch?.Length ?? 0))];
        if (ld == cols) BFloat16.FromFloats(matrix[..packed], scratch);
        else
            for (int r = 0; r < rows; r++)
                BFloat16.FromFloats(matrix.Slice(r * ld, cols), scratch.AsSpan(r * cols, cols));
        ldBits = cols;
        return scratch.AsSpan(0, packed);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        if (_ownsInner) _inner.Dispose();
        base.Dispose();
    }
}
