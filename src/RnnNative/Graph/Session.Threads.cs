using RnnNative.Blas;
using RnnNative.Kernels;

namespace RnnNative;

public sealed partial class Session
{
    private BatchSplit? _rnnSplit;
    private BlasBackend? _singleThreaded;   // set when the fused RNN cuts the batch across threads

    /// <summary>
    /// The GEMM of the graph's own ops (<see cref="Blas"/>, or its single-threaded sibling when the fused RNN
    /// cuts the batch across threads: then the session's threads are its own, and a BLAS thread team woken
    /// by a small product would only spin on the cores the RNN's threads need).
    /// </summary>
    internal BlasBackend Gemm => _singleThreaded ?? Blas;

    /// <summary>
    /// The fused RNN nodes' thread team when they cut the batch across threads (<see cref="RnnThreading.BatchSplit"/>),
    /// else null; its helper threads start on first use.
    /// </summary>
    internal BatchSplit? RnnSplit =>
        _rnnSplit ?? (_singleThreaded is null ? null : _rnnSplit = new BatchSplit(_singleThreaded, Blas.Threads));

    /// <summary>Threads the fused RNN nodes cut the batch across (1: not cut).</summary>
    internal int RnnThreads => _singleThreaded is null ? 1 : Blas.Threads;

    /// <summary>Managed bytes the RNN helper threads have allocated so far (for allocation checks).</summary>
    internal long HelperAllocatedBytes => _rnnSplit?.HelperAllocatedBytes ?? 0;

    /// <summary>Stopwatch ticks the graph's thread has spent waiting for the RNN helper threads so far.</summary>
    internal long HelperWaitTicks => _rnnSplit?.WaitTicks ?? 0;

    // With several threads and BatchSplit (Auto: the measured best, README "Performance"), the single-threaded
    // sibling of the backend; null when the batch is not cut (one thread, BlasThreads, or no sibling to be had).
    private static BlasBackend? SingleThreadedFor(RnnThreading requested, BlasBackend blas)
    {
        if (blas.Threads <= 1) return null;
        var threading = requested == RnnThreading.Auto ? RnnThreading.BatchSplit : requested;
        return threading == RnnThreading.BatchSplit ? blas.CreateSingleThreaded() : null;
    }

    private void DisposeThreads()
    {
        _rnnSplit?.Dispose();
        _singleThreaded?.Dispose();
    }
}
