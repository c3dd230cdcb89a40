using System.Globalization;
using RnnNative.Benchmarking;
using RnnNative.Blas;
using RnnNative.Distributed;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>
/// <c>rnn bench --ranks N[,N...]</c>: data-parallel scaling of the reference model (<see cref="RankBenchmark"/>). Run
/// plainly, it launches one <c>mpirun -n N</c> job per entry (<see cref="RankJobs"/>) and reports them against 1 rank;
/// under <c>mpirun</c> it is one rank of that job and rank 0 reports it.
/// </summary>
internal static class BenchRanks
{
    private static readonly string[] Values =
        ["--ranks", "--backend", "--threads", "--cell", "--batch", "--units", "--steps", "--inputs", "--warmup", "--steps-timed",
         "--threading", "--precision", "--bind-to"];

    /// <summary>The flags of this mode.</summary>
    public static readonly string[] Flags = ["--help", "--json", "--yield-when-idle"];

    private static readonly string[] Bindings = ["core", "none"];

    private const string Help = """
        usage: rnn bench --ranks LIST [options]
          data-parallel training of the reference model (as `mpirun -n N rnn train`): each of N ranks trains on
          batch/N examples per step and one all-reduce per step averages the gradients (and the loss). Launches
          `mpirun -n N` itself for each N (or, run under mpirun, is one rank of that job), and reports per N:
          samples/s, the ratio to 1 rank, step, compute and all-reduce ms, the all-reduce's share of the step, and the
          all-reduce split into waiting for the slowest rank and transfer (a second phase with a barrier first).
          --ranks LIST       comma-separated rank counts, e.g. 1,2,4 (more than the cores adds --oversubscribe)
          --threads N        BLAS threads per rank (default 1)
          --batch N          the global batch, divisible by every N (default 150)
          --bind-to WHERE    core | none: mpirun's binding of ranks to cores (default: Open MPI's)
          --yield-when-idle  --mca mpi_yield_when_idle 1: a rank waiting in the all-reduce yields its core
          --backend LIST, --cell, --units, --steps, --inputs, --warmup, --steps-timed, --threading, --precision:
                             as in `rnn bench` (default backend: the first available of mkl, openblas, managed)
          --json             one JSON object per job per line instead of the table
        """;

    public static int Run(string[] args, IAnsiConsole console)
    {
        var a = CommandLine.Parse("bench", args, Values, Flags);
        if (a.Has("--help"))
        {
            console.WriteLine(Help);
            return 0;
        }
        var ranks = RankList(a.Required("--ranks"));
        var template = BenchCommand.Options(a) with { Threads = a.Int("--threads", 1, 256) ?? 1 };
        try { template.Validate(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        foreach (int n in ranks.Where(n => template.Batch % n != 0))
            throw new UsageException($"--batch {template.Batch} is the global batch and must be divisible by every rank count; {n} does not divide it.");
        var backends = a.String("--backend") is null ? [DefaultBackend()] : BenchCommand.BackendList(a);
        bool json = a.Has("--json");
        if (Communicator.LaunchedByMpirun) return RunAsRank(console, ranks, backends, template, json);
        var jobs = new RankJobs(BindTo(a), a.Has("--yield-when-idle"));
        var results = new List<RankBenchmarkResult>();
        foreach (var kind in backends)
            foreach (int n in ranks)
            {
                var result = jobs.Run(n, TrainingBenchmark.BackendName(kind), args);
                results.Add(result);
            }
        results = WithRatios(results);
        if (json) foreach (var r in results) console.Profile.Out.Writer.WriteLine(r.ToJson());
        else WriteTable(console, results);
        return 0;
    }

    // One rank of a job started by mpirun: every rank measures, rank 0 reports.
    private static int RunAsRank(IAnsiConsole console, List<int> ranks, List<BlasKind> backends, BenchmarkOptions template, bool json)
    {
        var world = Communicator.Create();
        if (!ranks.Contains(world.Size))
            throw new UsageException($"this job has {world.Size} ranks but --ranks asks for {string.Join(",", ranks)}.");
        var results = backends.Select(kind => RankBenchmark.Run(template with { Backend = kind }, world)).ToList();
        if (!world.IsRoot) return 0;
        if (json) foreach (var r in results) console.Profile.Out.Writer.WriteLine(r.ToJson());
        else WriteTable(console, results);
        return 0;
    }

    private static string? BindTo(CommandLine a) => a.String("--bind-to") switch
    {
        null => null,
        string where when Bindings.Contains(where) => where,
        string other => throw new UsageException($"--bind-to must be one of {string.Join(", ", Bindings)}, got '{other}'."),
    };

    private static BlasKind DefaultBackend() =>
        new[] { BlasKind.Mkl, BlasKind.OpenBlas }.FirstOrDefault(k => BlasBackend.IsAvailable(k, out _), BlasKind.Managed);

    /// <summary>The --ranks list: integers in [1, 64].</summary>
    internal static List<int> RankList(string text)
    {
        var values = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < 1 || n > 64)
                throw new UsageException($"--ranks must be a comma-separated list of rank counts in [1, 64], got '{text}'.");
            if (!values.Contains(n)) values.Add(n);
        }
        return values;
    }

    // Each record against the 1-rank record of its backend in the same invocation.
    private static List<RankBenchmarkResult> WithRatios(List<RankBenchmarkResult> results) => results.Select(r =>
    {
        var one = results.FirstOrDefault(o => o.Ranks == 1 && o.Backend == r.Backend);
        if (one is null) return r;
        double ratio = r.SamplesPerSec / one.SamplesPerSec;
        return r with { RatioToOneRank = ratio, RatioIfFreeAllReduce = ratio * r.StepMs / r.ComputeMs };
    }).ToList();

    private static void WriteTable(IAnsiConsole console, IReadOnlyList<RankBenchmarkResult> results)
    {
        var table = new Table().AddColumns("backend", "ranks", "threads/rank", "samples/s", "× 1 rank", "× if all-reduce free",
            "step ms", "compute ms (slowest)", "compute CPU ms", "all-reduce ms", "% of step", "wait ms", "transfer ms", "FMA GFLOP/s per rank", "CPUs per rank");
        foreach (var r in results)
            table.AddRow(r.Backend, N(r.Ranks), N(r.ThreadsPerRank), F(r.SamplesPerSec, 0), Ratio(r.RatioToOneRank), Ratio(r.RatioIfFreeAllReduce),
                F(r.StepMs, 2), $"{F(r.ComputeMs, 2)} ({F(r.ComputeMsSlowestRank, 2)})",
                r.ComputeCpuMs is { } cpu ? F(cpu, 2) : "–", F(r.AllReduceMs, 3), F(r.AllReducePercent, 1),
                F(r.WaitMs, 3), F(r.TransferMs, 3), F(r.FmaGflopsPerRank, 1), N(r.CpusPerRank));
        console.Write(table);
        if (results.Count == 0) return;
        var first = results[0];
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model: {first.Cell} RNN, global batch {first.Batch}, T={first.Steps} I={first.Inputs} H={first.Units}; " +
            $"{first.ReducedFloats:N0} floats per all-reduce; {first.TimedSteps} timed steps per phase; load average {first.LoadAverage:F2}; " +
            $"bind-to {first.BindTo ?? "as launched"}, yield when idle {(first.YieldWhenIdle ? "on" : "off")}"));
        console.WriteLine("wait = the barrier before the all-reduce (slowest rank), transfer = the all-reduce after it (separate phase of as many steps)");
    }

    private static string Ratio(double? value) => value is { } v ? F(v, 2) + "×" : "–";
    private static string F(double value, int decimals) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);
    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
