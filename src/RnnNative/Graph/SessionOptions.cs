using RnnNative.Blas;

namespace RnnNative;

/// <summary>How a <see cref="Session"/> runs: which GEMM backend and how many threads.</summary>
public sealed class SessionOptions
{
    /// <summary>The backend; null means <see cref="BlasBackend.FromEnvironment"/>: the <c>RNNNATIVE_BLAS</c> environment variable, else the fastest backend by rule on this CPU (<see cref="FastestBackend"/>).</summary>
    public BlasKind? Backend { get; init; }

    /// <summary>
    /// Threads the session may use: with <see cref="RnnThreading.BatchSplit"/> (the default for more than one) the
    /// fused RNN cuts the batch across that many threads and every GEMM runs on one; otherwise threads per GEMM.
    /// Default: the number of cores (<see cref="Environment.ProcessorCount"/>). Results are bit-identical for a
    /// given seed, backend and thread count, not across thread counts.
    /// </summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>A backend instance to use as is (takes precedence over <see cref="Backend"/>; not disposed by the session).</summary>
    public BlasBackend? Blas { get; init; }

    /// <summary>How the fused RNN uses more than one thread (ignored with one thread).</summary>
    public RnnThreading RnnThreading { get; init; } = RnnThreading.Auto;

    /// <summary>The precision of the GEMMs' operands (<see cref="Precision.Float32"/> by default).</summary>
    public Precision Precision { get; init; } = Precision.Float32;
}
