using System.Globalization;

namespace RnnNative.Tests.Distributed;

/// <summary>
/// Real Open MPI runs of tests/RnnNative.MpiProbe in child processes: singleton mode without a launcher, and two
/// ranks under mpirun. Expected values are computed here from the probe's inputs, x_r[i] = 10·(r+1) + i.
/// </summary>
public sealed class MpiJobTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private static float[] Floats(string line) => line.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    [MpiFact]
    public void WithoutMpirunAProcessIsRankZeroOfOne()
    {
        var run = MpiProbe.Alone("singleton", Limit);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("0 of 1 (MpiCommunicator)", run.Values("rank")[0]);
        Assert.Equal([1.5f, -2f, 3f], Floats(run.Values("identity")[0])); // mean and broadcast over one rank
        Assert.Equal("root", run.Values("badroot")[0]);
        Assert.Contains("3 elements but the receive buffer 4", run.Values("badlength")[0]);
        Assert.Equal("caught", run.Values("nullref")[0]); // Open MPI left .NET's signal handlers in place
    }

    [MpiFact]
    public void TwoRanksAllReduceAndBroadcast()
    {
        const int ranks = 2;
        var run = MpiProbe.WithMpirun(ranks, "collectives", Limit);
        Assert.True(run.ExitCode == 0, run.ToString());
        var expectedMean = Enumerable.Range(0, 5).Select(i => (float)Enumerable.Range(0, ranks).Average(r => 10.0 * (r + 1) + i)).ToArray();
        double[] expectedSum = [Enumerable.Range(1, ranks).Sum(), 0.5 * ranks];
        for (int r = 0; r < ranks; r++)
        {
            Assert.Equal($"{r} of {ranks} (MpiCommunicator)", run.Values("rank")[r]);
            Assert.Equal(expectedMean, Floats(run.Values("mean")[r]));
            Assert.Equal(expectedSum, run.Values("sum")[r].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)));
            Assert.Equal([3.5f, -1f, 7f], Floats(run.Values("bcast")[r])); // rank 0's values
            Assert.Equal("0", run.Values("allocated")[r]); // 60 collectives on warm buffers
            Assert.Equal("ok", run.Values("done")[r]);
        }
    }

    [MpiFact]
    public void TwoRanksTrainLikeOneRankOnTheWholeBatch()
    {
        var reference = RnnNative.MpiProbe.TinyTraining.Run(RnnNative.Distributed.SingleProcessCommunicator.Instance);
        var run = MpiProbe.WithMpirun(2, "train", Limit);
        Assert.True(run.ExitCode == 0, run.ToString());
        for (int r = 0; r < 2; r++)
        {
            var trained = new float[reference.Length];
            var printed = run.Lines("param").Where(l => l.Rank == r).Select(l => l.Value.Split(' ')).ToArray();
            Assert.Equal(reference.Length, printed.Length);
            foreach (var p in printed) trained[int.Parse(p[0])] = float.Parse(p[1], CultureInfo.InvariantCulture);
            // The mean of two half-batch means equals the whole-batch mean up to float rounding.
            for (int i = 0; i < reference.Length; i++)
                Assert.True(Math.Abs(reference[i] - trained[i]) <= 1e-4f, $"rank {r}, parameter {i}: {trained[i]} vs {reference[i]} on one rank");
        }
    }

    [MpiFact]
    public void AKilledRankStopsTheJobWithinSecondsWithAMessage()
    {
        var run = MpiProbe.WithMpirun(2, "kill", Limit);
        Assert.False(run.TimedOut, run.ToString());
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(45), run.ToString()); // the survivor would loop for 60 s
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("now", run.Values("killing")[1]);
        Assert.Empty(run.Values("survived"));
        Assert.Empty(run.Values("done"));
        Assert.Contains("rank 1", run.Output + run.Errors); // mpirun names the rank that died
    }

    [MpiFact]
    public void ARankThatExitsWithAnErrorStopsTheJobInsteadOfFinalizing()
    {
        // MPI_Finalize on the failed rank would wait for rank 0, which waits in MPI_Allreduce for it: a hang.
        var run = MpiProbe.WithMpirun(2, "quit", Limit);
        Assert.False(run.TimedOut, run.ToString());
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(45), run.ToString()); // the survivor would loop for 60 s
        Assert.Equal(3, run.ExitCode); // mpirun passes on the failed rank's code
        Assert.Equal("now", run.Values("quitting")[1]);
        Assert.Empty(run.Values("survived"));
        Assert.Contains("exited with non-zero status", run.Output + run.Errors);
    }

    [MpiFact]
    public void AbortOnOneRankStopsEveryRank()
    {
        var run = MpiProbe.WithMpirun(2, "abort", Limit);
        Assert.False(run.TimedOut, run.ToString());
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(45), run.ToString());
        Assert.Equal(5, run.ExitCode); // mpirun passes on the aborting rank's code
        Assert.Empty(run.Values("survived"));
        // Not asserted: mpirun's "MPI_ABORT was invoked on rank 1" text, which Open MPI 4.1 sometimes loses.
    }
}
