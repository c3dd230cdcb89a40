namespace RnnNative.Blas;

/// <summary>
/// One single-precision GEMM provider. Every call is validated in managed code before any pointer
/// crosses into native code.
/// </summary>
/// <remarks>
/// Row-major: <c>C = alpha · op(A) · op(B) + beta · C</c>, where op(A) is (m × k), op(B) is (k × n), C is (m × n).
/// A is stored (m × k) with leading dimension lda ≥ k, or, when <c>transA</c>, (k × m) with lda ≥ m; likewise B.
/// </remarks>
public abstract class BlasBackend : IDisposable
{
    /// <summary>Which implementation this is.</summary>
    public abstract BlasKind Kind { get; }

    /// <summary>The file the native library was loaded from ("(managed)" for the managed backend).</summary>
    public abstract string LibraryPath { get; }

    /// <summary>The library's own version string.</summary>
    public abstract string Version { get; }

    /// <summary>Threads the backend uses for one GEMM.</summary>
    public abstract int Threads { get; set; }

    /// <summary>Checked row-major SGEMM over spans (see remarks on the class).</summary>
    public void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArgs.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        SgemmCore(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>Unchecked GEMM: arguments were validated by <see cref="Sgemm"/>.</summary>
    protected abstract void SgemmCore(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc);

    /// <summary>Creates a backend of the given kind.</summary>
    public static BlasBackend Create(BlasKind kind, int threads = 1) => kind switch
    {
        BlasKind.Managed => new ManagedBlas { Threads = threads },
        _ => throw new NotSupportedException($"BLAS backend {kind} is not built yet."),
    };

    /// <inheritdoc />
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
