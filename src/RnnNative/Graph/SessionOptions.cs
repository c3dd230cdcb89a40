using RnnNative.Blas;

namespace RnnNative;

/// <summary>How a <see cref="Session"/> runs: which GEMM backend and how many threads.</summary>
public sealed class SessionOptions
{
    /// <summary>The backend; null means the <c>RNNNATIVE_BLAS</c> environment variable, else OpenBLAS where it loads, else managed.</summary>
    public BlasKind? Backend { get; init; }

    /// <summary>Threads per GEMM.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>A backend instance to use as is (takes precedence over <see cref="Backend"/>; not disposed by the session).</summary>
    public BlasBackend? Blas { get; init; }
}
