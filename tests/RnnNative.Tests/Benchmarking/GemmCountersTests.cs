using RnnNative.Benchmarking;

namespace RnnNative.Tests.Benchmarking;

/// <summary>The benchmark's GEMM counters: calls and FLOPs from every thread, time from the timed thread only.</summary>
public class GemmCountersTests
{
    private static readonly GemmShape Small = new(false, false, 2, 3, 4), Large = new(false, true, 5, 6, 7);

    [Fact]
    public void CallsAndFlopsSumEveryThreadTicksOnlyTheTimedOne()
    {
        var counters = new GemmCounters();
        counters.Reset();
        counters.Add(Small, ticks: 10);
        var helper = new Thread(() =>
        {
            counters.Add(Large, ticks: 1000);
            counters.Add(Large, ticks: 1000);
        });
        helper.Start();
        helper.Join();

        Assert.Equal(3, counters.Calls);
        Assert.Equal(2L * 2 * 3 * 4 + 2 * (2L * 5 * 6 * 7), counters.Flops);
        Assert.Equal(10, counters.Ticks);
        Assert.Equal([Small], counters.ByShape.Keys);   // the table is the timed thread's
    }

    [Fact]
    public void ResetZeroesBothSidesAndMovesTheTimedThread()
    {
        var counters = new GemmCounters();
        counters.Add(Small, ticks: 10);
        var helper = new Thread(() =>
        {
            counters.Add(Large, ticks: 5);
            counters.Reset();
            counters.Add(Large, ticks: 7);
        });
        helper.Start();
        helper.Join();

        Assert.Equal(1, counters.Calls);
        Assert.Equal(2L * 5 * 6 * 7, counters.Flops);
        Assert.Equal(7, counters.Ticks);   // the helper reset last: its time is the timed one now
        counters.Add(Small, ticks: 10);    // this thread is now a helper: counted, not timed
        Assert.Equal((2L, 7L), (counters.Calls, counters.Ticks));
    }
}
