using System.Diagnostics;

namespace RnnNative.Benchmarking;

/// <summary>
/// Splits the time of training steps into GEMM, the fused RNN's own work, optimizer, waiting and the rest, as
/// seen by the thread that runs the graph: it times every node and reads the GEMM time of that thread from
/// <see cref="GemmCounters"/> and the time it waited for its helper threads from the session.
/// </summary>
internal sealed class StepProfile(Session session, GemmCounters gemm) : INodeObserver
{
    private long _nodeStart, _gemmStart, _waitStart;
    private long _gemm, _elementwise, _optimizer, _wait, _nodes;

    public void Before(Node node)
    {
        _gemmStart = gemm.Ticks;
        _waitStart = session.Compute.WaitTicks;
        _nodeStart = Stopwatch.GetTimestamp();
    }

    public void After(Node node)
    {
        long elapsed = Stopwatch.GetTimestamp() - _nodeStart;
        long inGemm = gemm.Ticks - _gemmStart, waiting = session.Compute.WaitTicks - _waitStart;
        _nodes += elapsed;
        _gemm += inGemm;
        _wait += waiting;
        if (node is ApplyGradientsOp) _optimizer += elapsed - inGemm - waiting;
        else if (node is DynamicRnnOp or DynamicRnnGradOp or DynamicRnnInputGradOp) _elementwise += elapsed - inGemm - waiting;
    }

    /// <summary>The breakdown per step of <paramref name="steps"/> steps that took <paramref name="totalTicks"/> in all.</summary>
    public StepBreakdown Breakdown(long totalTicks, int steps)
    {
        double perStep = 1000.0 / Stopwatch.Frequency / steps;
        long other = totalTicks - _gemm - _elementwise - _optimizer - _wait;
        return new StepBreakdown(_gemm * perStep, _elementwise * perStep, _optimizer * perStep, _wait * perStep, other * perStep);
    }
}
