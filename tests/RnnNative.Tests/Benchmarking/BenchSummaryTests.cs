using RnnNative.Benchmarking;
using RnnNative.Cli;

namespace RnnNative.Tests.Benchmarking;

/// <summary><c>rnn bench --summarize</c>: medians and ranges over appended <c>--json</c> records, per configuration.</summary>
public class BenchSummaryTests
{
    private static readonly BenchmarkOptions Tiny = new()
    {
        Backend = RnnNative.Blas.BlasKind.Managed, Batch = 4, Units = 5, Steps = 3, Inputs = 2, WarmupSteps = 0,
        TimedSteps = 2, ProfiledSteps = 1,
    };

    private static (int Code, string Output) Summarize(string path)
    {
        var output = new StringWriter();
        int code = RnnCli.Run(["bench", "--summarize", path], output);
        return (code, output.ToString());
    }

    [Fact]
    public void RowsHoldTheMedianAndRangeOfEachConfigurationsRuns()
    {
        var real = TrainingBenchmark.Run(Tiny);
        BenchmarkResult Run(double samples, double percent, string backend = "managed", string? mklKernel = null) =>
            real with { SamplesPerSec = samples, PercentOfBound = percent, Backend = backend, MklKernel = mklKernel };
        var records = new[]
        {
            Run(100, 50), Run(300, 70), Run(200, 60),                                  // managed, 3 runs
            Run(1000, 80, "mkl", "libmkl_avx2.so"), Run(2000, 90, "mkl", "libmkl_avx2.so"), // MKL AVX2, 2 runs
            Run(500, 40, "mkl", "libmkl_def.so"),                                     // MKL generic, 1 run
        };
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, records.Select(r => r.ToJson()).Append(""));
            var (code, output) = Summarize(path);
            Assert.True(code == 0, output);
            var rows = output.Split('\n').Where(l => l.StartsWith("| basic |")).ToArray();
            Assert.Equal(6, rows.Length);   // 3 configurations, in both tables
            Assert.StartsWith("| basic | mkl | 1 | serial | 1 | 500 |", rows[0]);
            Assert.StartsWith("| basic | mkl-avx2 | 1 | serial | 2 | 1500 |", rows[1]);
            Assert.Contains("| 85.0 (80.0–90.0) |", rows[1]);
            Assert.StartsWith("| basic | managed | 1 | serial | 3 | 200 |", rows[2]);
            Assert.Contains("| 60.0 (50.0–70.0) |", rows[2]);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ALineThatIsNotARecordIsNamedWithItsLineNumber()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["", "{\"backend\":\"managed\"}"]);
            var (code, output) = Summarize(path);
            Assert.Equal(1, code);
            Assert.Contains($"{path}:2: not a record", output);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Bf16RunsAreRowsOfTheirOwnNotAveragedWithFloat32()
    {
        var real = TrainingBenchmark.Run(Tiny);
        var records = new[]
        {
            real with { SamplesPerSec = 100, Precision = "fp32" }, real with { SamplesPerSec = 300, Precision = "fp32" },
            real with { SamplesPerSec = 1000, Precision = "bf16" },
        };
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, records.Select(r => r.ToJson()).Append(""));
            var (code, output) = Summarize(path);
            Assert.True(code == 0, output);
            var rows = output.Split('\n').Where(l => l.StartsWith("| basic |") && l.Contains("| serial |")).ToArray();
            Assert.Contains(rows, r => r.StartsWith("| basic | managed | 1 | serial | 2 | 200 |"));
            Assert.Contains(rows, r => r.StartsWith("| basic | managed bf16 | 1 | serial | 1 | 1000 |"));
        }
        finally { File.Delete(path); }
    }
}
