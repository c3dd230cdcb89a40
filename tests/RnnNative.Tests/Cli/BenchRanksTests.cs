using RnnNative.Benchmarking;
using RnnNative.Cli;
using RnnNative.Tests.Distributed;
using static RnnNative.Tests.Cli.InProcessRnn;

namespace RnnNative.Tests.Cli;

/// <summary><c>rnn bench --ranks</c>: its options, the mpirun command lines it builds, and real 1- and 2-rank jobs.</summary>
public sealed class BenchRanksTests
{
    private static readonly string[] Tiny =
        ["--batch", "12", "--units", "8", "--steps", "4", "--inputs", "6", "--warmup", "10", "--steps-timed", "4", "--backend", "managed"];

    [Theory]
    [InlineData("0", "--ranks must be a comma-separated list of rank counts in [1, 64], got '0'")]
    [InlineData("1,x", "got '1,x'")]
    [InlineData("65", "got '65'")]
    public void ABadRankListIsAUsageError(string list, string message)
    {
        var (code, output) = Rnn(["bench", "--ranks", list, .. Tiny]);
        Assert.Equal(2, code);
        Assert.Contains(message, output);
    }

    [Fact]
    public void ABatchThatARankCountDoesNotDivideIsAUsageErrorBeforeAnyJobStarts()
    {
        var (code, output) = Rnn(["bench", "--ranks", "1,2,5", .. Tiny]);
        Assert.Equal(2, code);
        Assert.Contains("--batch 12 is the global batch and must be divisible by every rank count; 5 does not divide it", output);
    }

    [Fact]
    public void AnUnknownBindingIsAUsageError()
    {
        var (code, output) = Rnn(["bench", "--ranks", "2", "--bind-to", "socket", .. Tiny]);
        Assert.Equal(2, code);
        Assert.Contains("--bind-to must be one of core, none, got 'socket'", output);
    }

    [Fact]
    public void TheRanksGetTheCallersOptionsWithoutTheLaunchersOwn()
    {
        string[] args = ["--ranks", "1,2", "--bind-to", "none", "--batch", "12", "--yield-when-idle", "--backend", "mkl,openblas", "--json", "--units", "8"];
        Assert.Equal(["--batch", "12", "--units", "8", "--ranks", "2", "--backend", "openblas", "--json"], RankJobs.RankArguments(args, 2, "openblas"));
    }

    [Fact]
    public void MoreRanksThanCoresAreOversubscribedAndACoreBindingAllowsOverload()
    {
        int cores = Environment.ProcessorCount;
        var over = new RankJobs("core", yieldWhenIdle: true).MpirunArguments(cores + 1);
        Assert.Contains("--oversubscribe", over);
        Assert.Equal("core:overload-allowed", over[over.IndexOf("--bind-to") + 1]);
        Assert.Equal(["--mca", "mpi_yield_when_idle", "1", "-n", $"{cores + 1}"], over[^5..]);
        var fits = new RankJobs(null, yieldWhenIdle: false).MpirunArguments(1);
        Assert.DoesNotContain("--oversubscribe", fits);
        Assert.DoesNotContain("--bind-to", fits);
        Assert.Equal(Environment.UserName == "root", fits.Contains("--allow-run-as-root"));
    }

    [MpiFact]
    public void OneAndTwoRankJobsGiveARecordEachWithSaneFields()
    {
        var (code, output) = Rnn(["bench", "--ranks", "1,2", "--json", "--yield-when-idle", "--bind-to", "none", .. Tiny]);
        Assert.True(code == 0, output);
        var records = output.Split('\n').Where(l => l.Contains("{\"ranks\":")).Select(l => RankBenchmarkResult.FromJson(l[l.IndexOf('{')..])).ToArray();
        Assert.Equal([1, 2], records.Select(r => r.Ranks));
        Assert.Equal([12, 6], records.Select(r => r.LocalBatch));
        Assert.Equal(1.0, records[0].RatioToOneRank);
        foreach (var r in records)
        {
            Assert.Equal(("managed", 1, 12, "none", true), (r.Backend, r.ThreadsPerRank, r.Batch, r.BindTo, r.YieldWhenIdle));
            Assert.True(r.ReducedFloats > 8 * (8 + 6) && r.ReducedFloats % 16 == 2, $"{r.ReducedFloats} floats: the padded slab, the loss and the stop flag");
            Assert.True(r.StepMs > 0 && r.ComputeMs > 0 && r.AllReduceMs >= 0 && r.WaitMs >= 0 && r.TransferMs >= 0, r.ToJson());
            Assert.True(r.ComputeMs <= r.StepMs && r.AllReducePercent is >= 0 and <= 100, r.ToJson());
            Assert.True(r.ComputeMsFastestRank <= r.ComputeMs && r.ComputeMs <= r.ComputeMsSlowestRank, r.ToJson());
            Assert.Equal(r.Batch / r.StepMs * 1e3, r.SamplesPerSec, 1e-6 * r.SamplesPerSec);
            Assert.Equal(r.SamplesPerSec / records[0].SamplesPerSec, r.RatioToOneRank!.Value, 1e-9);
            Assert.Equal(0, r.AllocatedBytesPerStep);
            Assert.True(r.ComputeCpuMs is > 0, r.ToJson()); // Linux: the thread CPU clock
        }
    }
}
