namespace RnnNative.Blas;

/// <summary>How a session with several threads uses them: the fused RNN nodes cut their batch across the
/// threads of one <see cref="ComputeResources"/>, or every GEMM uses the backend's own threads.</summary>
public enum RnnThreading
{
    /// <summary>The faster choice in the benchmarks (docs/performance.md): today <see cref="BatchSplit"/>.</summary>
    Auto,
    /// <summary>
    /// The length-sorted batch is cut into one slice per thread; each slice's time loop runs on its own .NET
    /// thread (a persistent worker) with a single-threaded GEMM, and the all-step GEMMs are split by rows or
    /// columns. Every other GEMM of the session runs single-threaded.
    /// </summary>
    BatchSplit,
    /// <summary>One thread runs the graph; each GEMM uses the backend's own threads.</summary>
    BlasThreads,
}
