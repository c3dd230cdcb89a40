using System.Diagnostics;
using RnnNative.Distributed;

namespace RnnNative.Benchmarking;

/// <summary>
/// The gradient all-reduce mean of data-parallel training, timed per call for <see cref="RankBenchmark"/>. With
/// <see cref="BarrierFirst"/> it enters a barrier before the all-reduce: the barrier's time is then the wait for
/// the slowest rank, and the all-reduce after it (every rank arrives together) is the transfer and the sum.
/// </summary>
internal sealed class TimedAllReduce(ICommunicator communicator) : IGradientReducer
{
    /// <summary>Whether each call first waits in a barrier (the timing phase that splits waiting from transfer).</summary>
    public bool BarrierFirst { get; set; }

    /// <summary>Ticks of the last call, barrier included.</summary>
    public long LastTicks { get; private set; }

    /// <summary>Ticks the last call spent in the barrier (0 without <see cref="BarrierFirst"/>).</summary>
    public long LastWaitTicks { get; private set; }

    /// <summary>CPU time of this thread in the last call, ns (busy-polling for the other ranks included).</summary>
    public long LastCpuNanoseconds { get; private set; }

    /// <summary>Floats reduced by the last call: the gradient slab, the loss and the stop flag.</summary>
    public int LastLength { get; private set; }

    public void Reduce(Span<float> gradientsAndLoss)
    {
        long cpu = ThreadCpuTime.Nanoseconds();
        long start = Stopwatch.GetTimestamp();
        if (BarrierFirst) communicator.Barrier();
        long arrived = Stopwatch.GetTimestamp();
        communicator.AllReduceMean(gradientsAndLoss);
        long end = Stopwatch.GetTimestamp();
        (LastTicks, LastWaitTicks, LastLength) = (end - start, arrived - start, gradientsAndLoss.Length);
        LastCpuNanoseconds = ThreadCpuTime.Nanoseconds() - cpu;
    }
}
