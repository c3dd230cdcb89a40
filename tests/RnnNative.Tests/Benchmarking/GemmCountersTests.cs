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
    [Fact]
    public void APaddedShapeCountsItsWantedColumnsAndNamesBoth()
    {
        var padded = new GemmShape(false, false, 150, 150, 178, ComputedN: 160);
        Assert.Equal(2L * 150 * 150 * 178, padded.Flops);
        Assert.Equal("NN 150x150(160)x178", padded.ToString());
        Assert.Equal("NT 5x6x7", Large.ToString());
    }

    [Fact]
    public void ACountingBackendCountsThePaddedCallsWantedFlops()
    {
        using var counting = new CountingBlas(RnnNative.Blas.BlasBackend.Create(RnnNative.Blas.BlasKind.Managed));
        counting.Counters.Reset();
        counting.Counters.Recording = true;
        counting.SgemmPadded(false, false, 2, 16, 11, 3, 1f, new float[6], 3, new float[48], 16, 0f, new float[32], 16);
        counting.Counters.Recording = false;
        Assert.Equal(2L * 2 * 11 * 3, counting.Counters.Flops);
        Assert.Equal("NN 2x11(16)x3", Assert.Single(counting.Counters.ByShape.Keys).ToString());
    }
}
