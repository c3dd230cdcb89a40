namespace RnnNative.Blas;

/// <summary>
/// What a session's ops compute with: the GEMM they call (<see cref="Gemm"/>) and the one fork-join pool an op
/// that cuts its work into <see cref="Parts"/> parts runs them on (<see cref="Run"/>).
/// </summary>
/// <remarks>
/// With several threads and <see cref="RnnThreading.BatchSplit"/> (<see cref="RnnThreading.Auto"/>: the faster
/// choice in the benchmarks, docs/performance.md) the work is cut across the session's threads: <see cref="Gemm"/> is then the
/// backend's single-threaded sibling, for every op and every part (a BLAS thread team woken by a small product
/// would only spin on the cores the parts need). Otherwise there is one part, on the caller, and
/// <see cref="Gemm"/> is the backend itself with its own threads. The pool's helper threads start on first use.
/// </remarks>
internal sealed class ComputeResources : IDisposable
{
    private readonly BlasBackend? _owned;   // the single-threaded sibling, when this object made it
    private ForkJoinPool? _pool;
    private bool _disposed;

    /// <summary>The resources of a session on <paramref name="blas"/> (not disposed here) with the threading asked for.</summary>
    public ComputeResources(BlasBackend blas, RnnThreading threading)
    {
        ArgumentNullException.ThrowIfNull(blas);
        _owned = SingleThreadedFor(threading, blas);
        Gemm = _owned ?? blas;
        Parts = _owned is null ? 1 : blas.Threads;
    }

    /// <summary>Work cut into <paramref name="parts"/> parts, each calling <paramref name="gemm"/> (not disposed here).</summary>
    public ComputeResources(BlasBackend gemm, int parts)
    {
        ArgumentNullException.ThrowIfNull(gemm);
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        Gemm = gemm;
        Parts = parts;
    }

    /// <summary>The GEMM of the ops and of every part of a job.</summary>
    public BlasBackend Gemm { get; }

    /// <summary>Parts a job is cut into: the caller and the pool's helper threads (1: not cut).</summary>
    public int Parts { get; }

    /// <summary>Runs <c>job.Run(p)</c> for every part p (0 on the caller); see <see cref="ForkJoinPool.Run"/> for failures.</summary>
    public void Run(IPartJob job)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        (_pool ??= new ForkJoinPool(Parts, "RnnNative compute")).Run(job);
    }

    /// <summary>Stopwatch ticks the caller has spent waiting for the helper threads so far.</summary>
    public long WaitTicks => _pool?.WaitTicks ?? 0;

    /// <summary>Managed bytes the helper threads have allocated so far (for allocation checks).</summary>
    public long HelperAllocatedBytes => _pool?.HelperAllocatedBytes ?? 0;

    // With several threads and BatchSplit (Auto picks it), the single-threaded sibling of the backend; null when
    // the work is not cut (one thread, BlasThreads, or no sibling to be had).
    private static BlasBackend? SingleThreadedFor(RnnThreading requested, BlasBackend blas)
    {
        if (blas.Threads <= 1) return null;
        var threading = requested == RnnThreading.Auto ? RnnThreading.BatchSplit : requested;
        return threading == RnnThreading.BatchSplit ? blas.CreateSingleThreaded() : null;
    }

    /// <summary>Stops the helper threads and disposes the single-threaded sibling this object made.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _pool?.Dispose();
        _owned?.Dispose();
        GC.SuppressFinalize(this);
    }

    // A session that is never disposed still stops its helper threads once this object is collected.
    ~ComputeResources() => _pool?.Dispose();
}
