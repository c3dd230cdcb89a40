using System.Globalization;
using RnnNative.Benchmarking;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>The tables of <c>rnn bench</c>: throughput against the bound, then where the step's time goes.</summary>
internal static class BenchTables
{
    public static void Write(IAnsiConsole console, IReadOnlyList<BenchmarkResult> results)
    {
        var main = new Table().AddColumns("backend", "threads", "threading", "samples/s", "step ms p50", "p90",
            "GFLOP/s", "SGEMM 1024³", "bound samples/s", "% of bound", "GEMMs alone % of bound", "FMA peak", "% of peak", "alloc B/step");
        foreach (var r in results)
            main.AddRow(r.Backend, N(r.Threads), r.Threading, F(r.SamplesPerSec, 0), F(r.StepMsP50, 2), F(r.StepMsP90, 2),
                F(r.Gflops, 1), F(r.SgemmGflops1024, 1), F(r.BoundSamplesPerSec, 0), F(r.PercentOfBound, 1), F(r.GemmOnlyPercentOfBound, 1),
                F(r.FmaPeakGflops, 1), F(r.PercentOfPeak, 1), N(r.AllocatedBytesPerStep));
        console.Write(main);

        var parts = new Table().AddColumns("backend", "threads", "GEMM", "elementwise", "optimizer", "waiting", "other");
        foreach (var r in results)
        {
            var b = r.Breakdown;
            parts.AddRow(r.Backend, N(r.Threads), Share(b.GemmMs, b), Share(b.ElementwiseMs, b), Share(b.OptimizerMs, b),
                Share(b.WaitMs, b), Share(b.OtherMs, b));
        }
        console.WriteLine("time per step, as seen by the thread that runs the graph (ms, % of the step):");
        console.Write(parts);

        WriteShapes(console, results);

        var first = results.Count > 0 ? results[0] : null;
        if (first is not null)
        {
            console.WriteLine($"GEMM FLOPs per step: {first.FlopsPerStep:N0} in {first.GemmCallsPerStep} calls; load average {F(first.LoadAverage, 2)}");
            console.WriteLine($"CPU: {first.Cpu}; FMA peak with {first.VectorBits}-bit vectors (GFLOP/s, per thread count) " +
                              "bounds every backend: peak bound = FMA peak ÷ FLOPs per step × batch");
        }
        foreach (var r in results.DistinctBy(r => r.Backend))
            console.WriteLine($"{r.Backend} ({r.Precision}): {r.Kernel}; check: max relative gradient error {r.CheckMaxRelativeError:G2}");
    }

    // The GEMM column of the breakdown by shape: the shapes that took at least 1% of that thread's GEMM time.
    private static void WriteShapes(IAnsiConsole console, IReadOnlyList<BenchmarkResult> results)
    {
        var shapes = new Table().AddColumns("backend", "threads", "GEMM shape", "calls/step", "ms/step", "GFLOP/s",
            "% of 1024³ rate per call");
        foreach (var r in results)
            foreach (var g in r.GemmShapes.Where(g => g.MsPerStep >= 0.01 * r.Breakdown.GemmMs))
                shapes.AddRow(r.Backend, N(r.Threads), g.Shape, F(g.CallsPerStep, 0), F(g.MsPerStep, 2), F(g.Gflops, 1),
                    F(g.PercentOfSgemm, 1));
        console.WriteLine("GEMMs by shape, on the same thread (T = transposed operand; shapes with ≥ 1% of its GEMM time; " +
            "per call: the 1024³ rate ÷ threads with the batch split):");
        console.Write(shapes);
    }

    private static string Share(double ms, StepBreakdown b) =>
        b.TotalMs > 0 ? $"{F(ms, 2)} ({F(100 * ms / b.TotalMs, 0)}%)" : "-";

    internal static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);
    internal static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
