using System.Diagnostics;

namespace RnnNative.Distributed;

/// <summary>
/// The gradient reducer of data-parallel training: g ← (1/N)·Σ_r g_r over the whole slab and the loss after it,
/// one all-reduce per step. With equal per-rank batches b = B/N this is the gradient of the mean loss over the
/// global batch B, and the loss is that mean loss.
/// </summary>
/// <remarks>It also counts the calls and the wall time spent in them (two timestamps per call, no allocation).</remarks>
/// <example><c>optimizer.GradientReducer = new GradientAverager(communicator);</c></example>
public sealed class GradientAverager(ICommunicator communicator) : IGradientReducer
{
    private long _ticks;

    /// <summary>The communicator the gradients are averaged over.</summary>
    public ICommunicator Communicator { get; } = communicator;

    /// <summary>Reductions done so far.</summary>
    public long Calls { get; private set; }

    /// <summary>Wall time spent in the all-reduce so far (waiting for the slowest rank included).</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, _ticks);

    public void Reduce(Span<float> gradientsAndLoss)
    {
        long start = Stopwatch.GetTimestamp();
        Communicator.AllReduceMean(gradientsAndLoss);
        _ticks += Stopwatch.GetTimestamp() - start;
        Calls++;
    }
}
