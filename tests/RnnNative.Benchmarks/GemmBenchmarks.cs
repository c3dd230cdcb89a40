using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using RnnNative.Blas;

namespace RnnNative.Benchmarks;

/// <summary>
/// Row-major SGEMM C(m × n) = A(m × k) · B(k × n) per backend and thread count. Shapes: 1024³ and the reference
/// model's (150×28)·(28×150), (150×150)·(150×150), (4200×28)·(28×150), (150×4200)·(4200×150).
/// "Mkl" is MKL at the widest instruction set of the CPU, "MklGeneric" / "MklAvx2" MKL capped (each case runs in
/// its own process, so the MKL load is clean).
/// </summary>
[Config(typeof(GflopsConfig))]
public class GemmBenchmarks
{
    [Params("Managed", "OpenBlas", "Mkl", "MklGeneric", "MklAvx2")]
    public string Backend;

    [Params(1, 2)]
    public int Threads;

    [Params("1024x1024x1024", "150x150x28", "150x150x150", "4200x150x28", "150x150x4200")]
    public string Shape;

    private BlasBackend _blas;
    private float[] _a, _b, _c;
    private int _m, _n, _k;

    [GlobalSetup]
    public void Setup()
    {
        (_m, _n, _k) = GflopsColumn.ParseShape(Shape);
        _blas = Backend switch
        {
            "MklGeneric" => BlasBackend.Create(BlasKind.Mkl, new BlasOptions { Threads = Threads, MklInstructions = MklInstructions.Generic }),
            "MklAvx2" => BlasBackend.Create(BlasKind.Mkl, new BlasOptions { Threads = Threads, MklInstructions = MklInstructions.Avx2 }),
            _ => BlasBackend.Create(BlasBackend.ParseKind(Backend), Threads),
        };
        Console.WriteLine($"// {_blas.Describe()}");
        var random = new Random(1);
        _a = Enumerable.Range(0, _m * _k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _b = Enumerable.Range(0, _k * _n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _c = new float[_m * _n];
    }

    [Benchmark]
    public void Sgemm() => _blas.Sgemm(false, false, _m, _n, _k, 1f, _a, _k, _b, _n, 0f, _c, _n);

    [GlobalCleanup]
    public void Cleanup() => _blas?.Dispose();
}

/// <summary>Adds a GFLOP/s column (2·m·n·k / mean time) to the default columns.</summary>
public sealed class GflopsConfig : ManualConfig
{
    public GflopsConfig()
    {
        AddColumn(new GflopsColumn());
        SummaryStyle = BenchmarkDotNet.Reports.SummaryStyle.Default.WithMaxParameterColumnWidth(20);
    }
}

/// <summary>GFLOP/s of a GEMM benchmark whose "Shape" parameter is "MxNxK".</summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "2·m·n·k floating-point operations / mean time, in 10^9 per second";
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        if (stats == null || benchmarkCase.Parameters["Shape"] is not string shape) return "-";
        var (m, n, k) = ParseShape(shape);
        return (2.0 * m * n * k / stats.Mean).ToString("F1"); // flop per ns = GFLOP/s
    }

    public static (int M, int N, int K) ParseShape(string shape)
    {
        int[] d = shape.Split('x').Select(int.Parse).ToArray();
        return (d[0], d[1], d[2]);
    }
}
