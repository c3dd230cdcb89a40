using RnnNative.Tests.Data;
using RnnNative.Training;

namespace RnnNative.Tests.Distributed;

/// <summary>
/// <c>rnn train</c> under a real <c>mpirun</c> on data/digits.csv.gz (each job a few seconds): equivalence with one
/// process on the whole batch, bit-identity of one rank with no launcher, and the failures that must stop every rank.
/// </summary>
public sealed class DataParallelTrainingTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);
    private static string Rnn => Path.Combine(AppContext.BaseDirectory, "rnn.dll");
    private static string Digits => Path.Combine(RepoPaths.Root, "data", "digits.csv.gz");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rnn-dp-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    // 300 training examples, batch 150: 2 steps per epoch, 10 epochs = 20 steps.
    private string[] TrainArgs(string run, int batch = 150, int epochs = 10, int limit = 300, string? data = null) =>
        ["train", "--data", data ?? Digits, "--limit", limit.ToString(), "--batch", batch.ToString(), "--epochs", epochs.ToString(),
         "--units", "32", "--threads", "1", "--validation", "0", "--quiet", "--out", Path.Combine(_root, run)];

    private static string[] Mpirun(int ranks) =>
        ["--allow-run-as-root", "--oversubscribe", "--mca", "mpi_yield_when_idle", "1", "-n", ranks.ToString()];

    private static MpiProbe.Run Alone(string[] args) => MpiProbe.Start(MpiProbe.DotnetHost, [Rnn, .. args], Limit);

    private static MpiProbe.Run WithMpirun(int ranks, string[] args) =>
        MpiProbe.Start(MpiProbe.Mpirun ?? "mpirun", [.. Mpirun(ranks), MpiProbe.DotnetHost, Rnn, .. args], Limit);

    private IReadOnlyDictionary<string, Tensor> Variables(string run) => Checkpoint.Load(Path.Combine(_root, run, "model.ckpt")).Variables;

    [MpiFact]
    public void TwoRanksOfHalfTheBatchMatchOneProcessOnTheWholeBatchAfterTwentySteps()
    {
        var one = Alone(TrainArgs("one"));
        Assert.True(one.ExitCode == 0, one.ToString());
        var two = WithMpirun(2, TrainArgs("two"));
        Assert.True(two.ExitCode == 0, two.ToString());
        Assert.Contains("ranks:   2", two.Output);
        Assert.Contains("over 20 steps", two.Output);
        Assert.Single(two.Output.Split('\n'), l => l.StartsWith("run:", StringComparison.Ordinal)); // only rank 0 printed
        var expected = Variables("one");
        var trained = Variables("two");
        Assert.Equal(expected.Keys.Order(), trained.Keys.Order());
        foreach (var (name, reference) in expected)
        {
            float[] a = reference.Floats!, b = trained[name].Floats!;
            double diff = 0, norm = 0;
            for (int i = 0; i < a.Length; i++)
            {
                diff += (double)(a[i] - b[i]) * (a[i] - b[i]);
                norm += (double)a[i] * a[i];
            }
            // The mean of two half-batch means is the whole-batch mean up to float rounding, carried through 20 Adam steps.
            double relative = Math.Sqrt(diff / norm);
            Assert.True(relative <= 1e-5, $"{name}: ||two ranks - one process|| / ||one process|| = {relative:E2}");
            Assert.False(a.AsSpan().SequenceEqual(b), $"{name}: bit-identical, so the two ranks did not split the batch");
        }
    }

    [MpiFact]
    public void OneRankUnderMpirunIsBitIdenticalToNoLauncher()
    {
        var alone = Alone(TrainArgs("alone", epochs: 3));
        Assert.True(alone.ExitCode == 0, alone.ToString());
        var one = WithMpirun(1, TrainArgs("one", epochs: 3));
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Contains("ranks:   1", one.Output);
        Assert.Contains("all-reduce", one.Output); // the MPI path ran (an all-reduce over one rank)
        var expected = Variables("alone");
        foreach (var (name, trained) in Variables("one"))
            Assert.True(expected[name].Floats!.AsSpan().SequenceEqual(trained.Floats!), $"{name} differs");
    }

    [MpiFact]
    public void ABatchNotDivisibleByTheRanksIsAClearErrorOnEveryRank()
    {
        var run = WithMpirun(2, TrainArgs("odd", batch: 75));
        Assert.False(run.TimedOut, run.ToString());
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--batch 75 is the global batch over 2 ranks and must be divisible by 2", run.Errors);
        Assert.False(Directory.Exists(Path.Combine(_root, "odd")));
    }

    [MpiFact]
    public void ARankThatCannotLoadTheDataStopsEveryRankWithItsMessage()
    {
        string missing = Path.Combine(_root, "missing.csv");
        var run = MpiProbe.Start(MpiProbe.Mpirun ?? "mpirun",
            [.. Mpirun(1), MpiProbe.DotnetHost, Rnn, .. TrainArgs("ok"), ":", "-n", "1", MpiProbe.DotnetHost, Rnn, .. TrainArgs("bad", data: missing)],
            Limit);
        Assert.False(run.TimedOut, run.ToString());
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(60), run.ToString());
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(missing, run.Errors);
        Assert.DoesNotContain("best test accuracy", run.Output); // rank 0 did not finish alone
    }

    [MpiFact]
    public void ARankKilledMidEpochStopsTheJobWithinSecondsAndLeavesALoadableCheckpoint()
    {
        // Rank 1 is a shell that starts its rnn, waits until rank 0 has saved a checkpoint, then kills its rnn with
        // SIGKILL and exits 137. 600 examples in batches of 20: 30 steps per epoch, 200 epochs (far longer than the test).
        string checkpoint = Path.Combine(_root, "killed", "model.ckpt");
        string[] args = TrainArgs("killed", batch: 20, epochs: 200, limit: 600);
        string rank1 = $"\"{MpiProbe.DotnetHost}\" \"{Rnn}\" {string.Join(' ', args.Select(a => $"'{a}'"))} & pid=$!; "
            + $"while [ ! -f '{checkpoint}' ]; do sleep 0.1; done; sleep 0.3; echo 'killing rank 1' >&2; kill -9 $pid; exit 137";
        var run = MpiProbe.Start(MpiProbe.Mpirun ?? "mpirun",
            [.. Mpirun(1), MpiProbe.DotnetHost, Rnn, .. args, ":", "-n", "1", "sh", "-c", rank1], Limit);
        Assert.False(run.TimedOut, run.ToString());
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(60), run.ToString());
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("killing rank 1", run.Errors);
        Assert.Matches(@"Process name: \[\[\d+,\d+\],1\]", run.Output + run.Errors); // mpirun names the rank that died (rank 1)
        Assert.DoesNotContain("best test accuracy", run.Output);
        var saved = Checkpoint.Load(checkpoint);
        Assert.NotEmpty(saved.Variables);
        Assert.All(saved.Variables.Values, v => Assert.True(v.Floats!.All(float.IsFinite)));
    }
}
