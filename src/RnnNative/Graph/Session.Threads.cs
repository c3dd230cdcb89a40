using RnnNative.Blas;
using RnnNative.Kernels;

namespace RnnNative;

public sealed partial class Session
{
    private RnnThreading _rnnThreading;
    private BatchSplit? _rnnSplit;

    /// <summary>
    /// The fused RNN nodes' thread team when they cut the batch across threads (<see cref="RnnThreading.BatchSplit"/>),
    /// else null; its helper thread starts on first use.
    /// </summary>
    internal BatchSplit? RnnSplit
    {
        get
        {
            if (_rnnThreading != RnnThreading.BatchSplit || _rnnSplit is not null) return _rnnSplit;
            if (Blas.CreateSingleThreaded() is not { } serial)
            {
                _rnnThreading = RnnThreading.BlasThreads;
                return null;
            }
            return _rnnSplit = new BatchSplit(serial, Blas.Threads);
        }
    }

    /// <summary>Threads the fused RNN nodes cut the batch across (1: not cut).</summary>
    internal int RnnThreads => RnnSplit?.Parts ?? 1;

    /// <summary>Managed bytes the RNN helper threads have allocated so far (for allocation checks).</summary>
    internal long HelperAllocatedBytes => _rnnSplit?.HelperAllocatedBytes ?? 0;

    /// <summary>Stopwatch ticks the graph's thread has spent waiting for the RNN helper threads so far.</summary>
    internal long HelperWaitTicks => _rnnSplit?.WaitTicks ?? 0;

    // With one thread nothing is split; Auto is the measured best per backend (README, "Performance").
    private static RnnThreading ResolveThreading(RnnThreading requested, BlasBackend blas)
    {
        if (blas.Threads <= 1) return RnnThreading.BlasThreads;
        return requested == RnnThreading.Auto ? RnnThreading.BatchSplit : requested;
    }
}
