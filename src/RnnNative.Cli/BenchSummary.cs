using System.Text.Json;
using RnnNative.Benchmarking;
using static RnnNative.Cli.BenchTables;

namespace RnnNative.Cli;

/// <summary>
/// <c>rnn bench --summarize FILE</c>: the records that repeated <c>rnn bench --json</c> runs appended to FILE,
/// summarised per cell, backend and thread count as two markdown tables (those of docs/performance.md): the median of every
/// column over the runs, with the range of % of bound, then the median breakdown.
/// </summary>
/// <remarks>MKL runs are listed by the kernels MKL ran: "mkl-avx512", "mkl-avx2", or "mkl" (its generic path).</remarks>
internal static class BenchSummary
{
    private static readonly string[] BackendOrder = ["openblas", "mkl", "mkl-avx2", "mkl-avx512", "managed"];
    private static readonly string[] CellOrder = ["basic", "lstm", "gru"];

    public static void Write(TextWriter output, string path)
    {
        var groups = Read(path)
            .GroupBy(r => (r.Cell, Backend: BackendLabel(r), r.Threads))
            .OrderBy(g => Rank(CellOrder, g.Key.Cell)).ThenBy(g => Rank(BackendOrder, g.Key.Backend)).ThenBy(g => g.Key.Threads)
            .ToList();
        output.WriteLine("| cell | backend | threads | threading | runs | samples/s | step ms p50 | p90 | GFLOP/s | SGEMM 1024³ | " +
                         "bound samples/s | % of bound | GEMMs alone, % of bound | step vs GEMMs alone | alloc B/step |");
        output.WriteLine("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var g in groups)
        {
            var rs = g.ToList();
            output.WriteLine($"| {g.Key.Cell} | {g.Key.Backend} | {g.Key.Threads} | {rs[0].Threading} | {rs.Count} | " +
                $"{F(Median(rs, r => r.SamplesPerSec), 0)} | {F(Median(rs, r => r.StepMsP50), 2)} | {F(Median(rs, r => r.StepMsP90), 2)} | " +
                $"{F(Median(rs, r => r.Gflops), 1)} | {F(Median(rs, r => r.SgemmGflops1024), 1)} | {F(Median(rs, r => r.BoundSamplesPerSec), 0)} | " +
                $"{F(Median(rs, r => r.PercentOfBound), 1)} ({F(rs.Min(r => r.PercentOfBound), 1)}–{F(rs.Max(r => r.PercentOfBound), 1)}) | " +
                $"{F(Median(rs, r => r.GemmOnlyPercentOfBound), 1)} | {F(Median(rs, r => r.PercentOfGemmOnly), 0)}% | " +
                $"{N(rs.Max(r => r.AllocatedBytesPerStep))} |");
        }
        output.WriteLine();
        output.WriteLine("| cell | backend | threads | GEMM | elementwise | optimizer | waiting | other |");
        output.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var g in groups)
        {
            var rs = g.ToList();
            double[] parts =
            [
                Median(rs, r => r.Breakdown.GemmMs), Median(rs, r => r.Breakdown.ElementwiseMs),
                Median(rs, r => r.Breakdown.OptimizerMs), Median(rs, r => r.Breakdown.WaitMs), Median(rs, r => r.Breakdown.OtherMs),
            ];
            double total = parts.Sum();
            output.WriteLine($"| {g.Key.Cell} | {g.Key.Backend} | {g.Key.Threads} | " +
                string.Join(" | ", parts.Select(p => $"{F(p, 2)} ({F(total > 0 ? 100 * p / total : 0, 0)}%)")) + " |");
        }
    }

    /// <summary>The records of a file of <c>rnn bench --json</c> lines (other lines, e.g. blank ones, are skipped).</summary>
    internal static List<BenchmarkResult> Read(string path)
    {
        var results = new List<BenchmarkResult>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (!line.TrimStart().StartsWith('{')) continue;
            try
            {
                results.Add(JsonSerializer.Deserialize<BenchmarkResult>(line, BenchmarkResult.JsonOptions)
                            ?? throw new JsonException("null record"));
            }
            catch (JsonException e)
            {
                throw new CliException($"{path}:{number}: not a record of this version's 'rnn bench --json': {e.Message}");
            }
        }
        if (results.Count == 0) throw new CliException($"{path}: no 'rnn bench --json' records in it.");
        return results;
    }

    // bf16 runs are their own rows ("mkl-avx512 bf16"), never averaged with float32 ones.
    private static string BackendLabel(BenchmarkResult r) => KernelLabel(r) + (r.Precision == "bf16" ? " bf16" : "");

    private static string KernelLabel(BenchmarkResult r) => r.Backend != "mkl" ? r.Backend
        : r.MklKernel?.Contains("avx512", StringComparison.OrdinalIgnoreCase) == true ? "mkl-avx512"
        : r.MklKernel?.Contains("avx2", StringComparison.OrdinalIgnoreCase) == true ? "mkl-avx2"
        : r.Backend;

    private static int Rank(string[] order, string name) => Array.IndexOf(order, name) is >= 0 and var i ? i : order.Length;

    private static double Median(List<BenchmarkResult> rs, Func<BenchmarkResult, double> value) =>
        Statistics.Percentile(rs.Select(value).ToArray(), 50);
}
