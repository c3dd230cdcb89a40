using System.Globalization;
using RnnNative.Benchmarking;
using RnnNative.Blas;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>
/// <c>rnn bench</c>: training throughput of the reference model per backend and thread count, against the
/// GEMM limit measured in the same run (<see cref="TrainingBenchmark"/>).
/// </summary>
internal static class BenchCommand
{
    private static readonly string[] Values =
        ["--backend", "--threads", "--cell", "--batch", "--units", "--steps", "--inputs", "--warmup", "--steps-timed", "--threading",
         "--summarize", "--precision"];

    private static readonly IReadOnlyDictionary<string, RnnThreading> Threadings = new Dictionary<string, RnnThreading>
    {
        ["auto"] = RnnThreading.Auto,
        ["split"] = RnnThreading.BatchSplit,
        ["blas"] = RnnThreading.BlasThreads,
    };

    private const string Help = """
        usage: rnn bench [options]
          trains the reference model (X [B, T, I], one recurrent layer of H units, dense H→10, softmax
          cross-entropy, Adam) on random data and reports samples/s against the bound set by the same
          backend's 1024³ SGEMM rate (measured in the same run). Before timing, one step's gradients are
          checked against the managed backend; a mismatch aborts.
          --backend LIST     comma-separated: managed, openblas, mkl (default: every available one);
                             MKL runs the CPU's widest kernels; cap: RNNNATIVE_MKL_INSTRUCTIONS=avx2|generic
          --threads LIST     comma-separated thread counts (default 1,2)
          --cell NAME        basic | lstm | gru (default basic: tanh)
          --batch N          B (default 150)       --units N    H (default 150)
          --steps N          T (default 28)        --inputs N   I (default 28)
          --warmup N         untimed steps first (default 60: the JIT settles after 30-60)
          --steps-timed N    timed steps (default 30; the rates are medians)
          --threading NAME   auto | split | blas: with several threads, split the batch across .NET threads
                             with single-threaded GEMMs, or use the BLAS's own threads (default auto)
          --precision P      fp32 | bf16: GEMM operands rounded to bfloat16, float32 accumulation; the bound is
                             then the backend's 1024³ bfloat16 GEMM rate and the check is against the managed
                             emulation (default fp32)
          --json             one JSON object per configuration per line instead of the tables (progress on stderr)
          --quiet            no progress display
          --ranks LIST       data-parallel scaling over mpirun instead (rnn bench --ranks 1 --help)
          --summarize FILE   runs nothing: the medians over the runs whose --json lines were appended to FILE,
                             per cell, backend and threads, as markdown tables (MKL runs by kernel: "mkl-avx512", "mkl-avx2", "mkl")
        """;

    /// <summary>Runs the command; with --json the progress display goes to <paramref name="errors"/>.</summary>
    public static int Run(string[] args, IAnsiConsole console, IAnsiConsole errors)
    {
        if (args.Contains("--ranks")) return BenchRanks.Run(args, console);
        var a = CommandLine.Parse("bench", args, Values, ["--help", "--json", "--quiet"]);
        if (a.Has("--help"))
        {
            console.WriteLine(Help);
            return 0;
        }
        if (a.String("--summarize") is { } path)
        {
            BenchSummary.Write(console.Profile.Out.Writer, path);   // the raw writer: markdown must not be wrapped
            return 0;
        }
        var template = Options(a);
        var threads = IntList(a, "--threads") ?? [1, 2];
        var backends = BackendList(a);
        bool json = a.Has("--json");
        if (!json)
            console.WriteLine($"model: {template.Cell.ToString().ToLowerInvariant()} RNN, B={template.Batch} T={template.Steps} " +
                              $"I={template.Inputs} H={template.Units}, dense {template.Units}→{template.Classes}, Adam; " +
                              $"{template.WarmupSteps} warm-up + {template.TimedSteps} timed steps per row");
        var results = new List<BenchmarkResult>();
        var display = new ProgressDisplay(json ? errors : console, "bench", "configurations", a.Has("--quiet")).BeginAt(0);
        display.Run(() =>
        {
            foreach (var kind in backends)
                foreach (int n in threads)
                {
                    var result = RunOne(template with { Backend = kind, Threads = n });
                    results.Add(result);
                    if (json) console.Profile.Out.Writer.WriteLine(result.ToJson()); // the raw writer: no wrapping
                    display.Report(results.Count, backends.Count * threads.Count, detail: $"{kind.ToString().ToLowerInvariant()} {n} thread{(n == 1 ? "" : "s")} done");
                }
            return results;
        });
        if (!json) BenchTables.Write(console, results);
        return 0;
    }

    private static BenchmarkResult RunOne(BenchmarkOptions options)
    {
        try
        {
            return TrainingBenchmark.Run(options);
        }
        catch (BenchmarkCheckException e)
        {
            throw new CliException($"self-check failed, nothing timed: {e.Message}");
        }
        catch (NotSupportedException e) when (options.Precision == Precision.BFloat16)
        {
            throw new CliException($"--precision bf16 is not available: {Backends.OneLine(e.Message)}");
        }
    }

    internal static BenchmarkOptions Options(CommandLine a)
    {
        var defaults = new BenchmarkOptions();
        return new BenchmarkOptions
        {
            Cell = a.Choice("--cell", TrainCommand.Cells) ?? defaults.Cell,
            Batch = a.Int("--batch", 1, 1 << 16) ?? defaults.Batch,
            Units = a.Int("--units", 1, 1 << 14) ?? defaults.Units,
            Steps = a.Int("--steps", 1, 1 << 14) ?? defaults.Steps,
            Inputs = a.Int("--inputs", 1, 1 << 16) ?? defaults.Inputs,
            WarmupSteps = a.Int("--warmup", 0, 1 << 20) ?? defaults.WarmupSteps,
            TimedSteps = a.Int("--steps-timed", 1, 1 << 20) ?? defaults.TimedSteps,
            Threading = a.Choice("--threading", Threadings) ?? defaults.Threading,
            Precision = Backends.ParsePrecision(a),
        };
    }

    // --backend: the listed kinds (an unavailable one is an error); absent: every kind that loads here.
    internal static List<BlasKind> BackendList(CommandLine a)
    {
        if (a.String("--backend") is not { } text)
            return Backends.Choices.Values.Where(k => BlasBackend.IsAvailable(k, out _)).ToList();
        var kinds = new List<BlasKind>();
        foreach (string name in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!BlasBackend.TryParseKind(name, out var kind))
                throw new UsageException($"--backend: unknown backend '{name}' (valid: {string.Join(", ", Backends.Choices.Keys)}).");
            if (!BlasBackend.IsAvailable(kind, out string reason))
                throw new CliException($"BLAS backend {name} is not available: {Backends.OneLine(reason)}");
            if (!kinds.Contains(kind)) kinds.Add(kind);
        }
        return kinds;
    }

    private static List<int>? IntList(CommandLine a, string name)
    {
        if (a.String(name) is not { } text) return null;
        var values = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < 1 || value > 256)
                throw new UsageException($"{name} must be a comma-separated list of integers in [1, 256], got '{text}'.");
            values.Add(value);
        }
        return values;
    }
}
