using RnnNative.Blas.Native;

namespace RnnNative.Blas;

/// <summary>
/// One single-precision GEMM provider. Every call is validated in managed code before any pointer
/// crosses into native code.
/// </summary>
/// <remarks>
/// Row-major: <c>C = alpha · op(A) · op(B) + beta · C</c>, where op(A) is (m × k), op(B) is (k × n), C is (m × n).
/// A is stored (m × k) with leading dimension lda ≥ k, or, when <c>transA</c>, (k × m) with lda ≥ m; likewise B.
/// When beta is 0, C is only written (NaNs in it do not propagate).
/// </remarks>
public abstract partial class BlasBackend : IDisposable
{
    /// <summary>Which implementation this is.</summary>
    public abstract BlasKind Kind { get; }

    /// <summary>The file the native library was loaded from ("(managed)" for the managed backend).</summary>
    public abstract string LibraryPath { get; }

    /// <summary>The library's own version string.</summary>
    public abstract string Version { get; }

    /// <summary>Threads the backend uses for one GEMM.</summary>
    public abstract int Threads { get; set; }

    /// <summary>The kernel path in use, e.g. OpenBLAS's core name or the MKL kernel library and dispatch branch.</summary>
    public abstract string Kernel { get; }

    /// <summary>The thread count as the library itself reports it (after a call has applied <see cref="Threads"/>).</summary>
    public virtual int LibraryThreads => Threads;

    /// <summary>One line: kind, file, version, threads, kernel.</summary>
    public string Describe() =>
        $"{Kind}: {LibraryPath} | {Version} | threads {Threads} | {Kernel}";

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

    /// <summary>
    /// A new backend on the same library that runs each GEMM on the calling thread alone, for an engine that
    /// splits work across its own threads (each calls it from its own .NET thread); owned by the caller.
    /// Null when this backend cannot make one (the engine then keeps to this backend's own threads).
    /// </summary>
    internal virtual BlasBackend? CreateSingleThreaded() => null;

    /// <summary>Creates a backend of the given kind.</summary>
    /// <exception cref="BlasLibraryNotFoundException">The native library is not found; the message lists every path tried.</exception>
    public static BlasBackend Create(BlasKind kind, int threads = 1) => Create(kind, new BlasOptions { Threads = threads });

    /// <summary>Creates a backend of the given kind with explicit options.</summary>
    /// <exception cref="BlasLibraryNotFoundException">The native library is not found; the message lists every path tried.</exception>
    public static BlasBackend Create(BlasKind kind, BlasOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Threads < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "Threads must be at least 1.");
        IReadOnlyList<string> dirs = NativeSearchPath.Directories(options.NativeDirectory);
        return kind switch
        {
            BlasKind.Managed => new ManagedBlas { Threads = options.Threads },
            BlasKind.OpenBlas => new OpenBlasBackend(dirs, options.Threads),
            BlasKind.Mkl => new MklBackend(dirs, options.Threads, MklInstructionPolicy.Requested(options.MklInstructions)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Unknown BLAS backend. Valid: {ValidNames}."),
        };
    }

    /// <summary>Whether a backend of this kind can be created here; if not, why (every path tried).</summary>
    public static bool IsAvailable(BlasKind kind, out string reason)
    {
        try
        {
            using var backend = Create(kind);
            reason = "";
            return true;
        }
        catch (DllNotFoundException e)
        {
            reason = e.Message;
            return false;
        }
    }

    /// <inheritdoc />
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
