using System.Text.Json;
using System.Text.Json.Serialization;

namespace RnnNative.Benchmarking;

/// <summary>What <see cref="TrainingBenchmark"/> measured for one configuration (one JSON object, snake_case).</summary>
/// <remarks>
/// bound = <see cref="SgemmGflops1024"/> ÷ <see cref="FlopsPerStep"/> × batch: the samples per second the step
/// would reach if all of its GEMM FLOPs ran at the rate of one large SGEMM on the same backend and threads and
/// nothing else took time. <see cref="PercentOfBound"/> = samples/s ÷ bound × 100 = gflops ÷ sgemm rate × 100.
/// <para>peak bound = <see cref="FmaPeakGflops"/> ÷ <see cref="FlopsPerStep"/> × batch: the same with the machine's
/// FMA peak (<see cref="FmaPeak"/>) in place of the library's SGEMM rate, a bound that does not move when the
/// library changes. The CPU fields are absent (null, 0) in records of earlier versions.</para>
/// </remarks>
public sealed record BenchmarkResult
{
    /// <summary>"managed", "openblas" or "mkl".</summary>
    public required string Backend { get; init; }
    /// <summary>Threads the step used.</summary>
    public required int Threads { get; init; }
    /// <summary>How the threads were used: "serial", "batch-split" (the batch cut across .NET threads, each with a single-threaded BLAS) or "blas-threads".</summary>
    public required string Threading { get; init; }
    /// <summary>The GEMM operands' precision: "fp32" or "bf16" (then the bound is the 1024³ bfloat16 GEMM rate).</summary>
    public string Precision { get; init; } = "fp32";

    /// <summary>"basic", "lstm" or "gru".</summary>
    public required string Cell { get; init; }
    /// <summary>B.</summary>
    public required int Batch { get; init; }
    /// <summary>H.</summary>
    public required int Units { get; init; }
    /// <summary>T.</summary>
    public required int Steps { get; init; }
    /// <summary>I.</summary>
    public required int Inputs { get; init; }
    /// <summary>Training steps timed.</summary>
    public required int TimedSteps { get; init; }

    /// <summary>Batch ÷ median step time.</summary>
    public required double SamplesPerSec { get; init; }
    /// <summary>Median step time, ms.</summary>
    public required double StepMsP50 { get; init; }
    /// <summary>90th-percentile step time, ms.</summary>
    public required double StepMsP90 { get; init; }
    /// <summary>The step's GEMM FLOPs ÷ median step time, 10⁹/s.</summary>
    public required double Gflops { get; init; }
    /// <summary>Rate of a 1024³ SGEMM on the same backend and threads, measured in the same run (the higher of the
    /// medians measured before and after the timed steps), 10⁹ FLOP/s.</summary>
    [JsonPropertyName("sgemm_gflops_1024")]
    public required double SgemmGflops1024 { get; init; }
    /// <summary>sgemm rate ÷ FLOPs per step × batch.</summary>
    public required double BoundSamplesPerSec { get; init; }
    /// <summary>samples/s ÷ bound × 100.</summary>
    public required double PercentOfBound { get; init; }
    /// <summary>Managed bytes allocated per timed step (all threads).</summary>
    public required long AllocatedBytesPerStep { get; init; }

    /// <summary>Median time of the step's GEMM calls replayed alone (<see cref="GemmReplay"/>), ms.</summary>
    public required double GemmOnlyStepMs { get; init; }
    /// <summary>The step's GEMMs alone as a percentage of the bound: about the most <see cref="PercentOfBound"/> can
    /// be while the GEMMs go to this library with these shapes (see <see cref="GemmReplay"/> for why "about");
    /// = <see cref="PercentOfBound"/> ÷ <see cref="PercentOfGemmOnly"/> × 100.</summary>
    public required double GemmOnlyPercentOfBound { get; init; }
    /// <summary>GEMM-only time ÷ median step time × 100: how close the step comes to its GEMMs alone.</summary>
    public required double PercentOfGemmOnly { get; init; }

    /// <summary>GEMM FLOPs of one training step, Σ 2·m·n·k over the GEMM calls it made (counted, not derived).</summary>
    public required long FlopsPerStep { get; init; }
    /// <summary>GEMM calls of one training step.</summary>
    public required long GemmCallsPerStep { get; init; }
    /// <summary>The backend's kernel path, e.g. the MKL kernel library and dispatch branch.</summary>
    public required string Kernel { get; init; }
    /// <summary>MKL only: the per-CPU kernel library MKL used (e.g. "libmkl_avx2.so"); null for other backends.</summary>
    public string? MklKernel { get; init; }
    /// <summary>The library's version string.</summary>
    public required string BlasVersion { get; init; }
    /// <summary>Largest gradient difference from the managed reference, relative to each variable's largest gradient.</summary>
    public required double CheckMaxRelativeError { get; init; }
    /// <summary>Where the step's time went (ms per step, as seen by the thread that runs the graph).</summary>
    public required StepBreakdown Breakdown { get; init; }
    /// <summary>The GEMM part of <see cref="Breakdown"/> by shape, slowest first (same profiled steps, same thread).</summary>
    public required IReadOnlyList<GemmShapeTime> GemmShapes { get; init; }
    /// <summary>The 1-minute load average when this configuration started (Linux; -1 elsewhere).</summary>
    public required double LoadAverage { get; init; }

    /// <summary>The CPU's model name (<see cref="CpuFeatures.ModelName"/>).</summary>
    public string? Cpu { get; init; }
    /// <summary>The widest vectors of the managed kernels and the FMA peak loop: 512, 256 or 128.</summary>
    public int VectorBits { get; init; }
    /// <summary>The FMA peak of this many threads with the widest vectors, 10⁹ FLOP/s (<see cref="FmaPeak"/>).</summary>
    public double FmaPeakGflops { get; init; }
    /// <summary>FMA peak ÷ FLOPs per step × batch.</summary>
    public double PeakBoundSamplesPerSec { get; init; }
    /// <summary>samples/s ÷ peak bound × 100.</summary>
    public double PercentOfPeak { get; init; }

    /// <summary>One line of JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>snake_case names, no indentation.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
    };
}

/// <summary>
/// Milliseconds per step, as seen by the thread that runs the graph: GEMM calls it made, the fused RNN's other
/// work (row passes, packing), the optimizer, time it waited for the other half of the batch, and the rest
/// (the other ops, session overhead). The five add up to the step time.
/// </summary>
public sealed record StepBreakdown(double GemmMs, double ElementwiseMs, double OptimizerMs, double WaitMs, double OtherMs)
{
    /// <summary>Sum of the parts.</summary>
    [JsonIgnore]
    public double TotalMs => GemmMs + ElementwiseMs + OptimizerMs + WaitMs + OtherMs;
}

/// <summary>
/// One GEMM shape inside the profiled steps, on the thread that runs the graph: calls and milliseconds per step,
/// and its rate, also as a percentage of the 1024³ SGEMM rate of the same run that one call had to itself: the
/// whole rate with one thread (or a threaded BLAS), one thread's share of it (rate ÷ threads) when the batch is
/// split and each thread's calls are single-threaded.
/// </summary>
public sealed record GemmShapeTime(string Shape, double CallsPerStep, double MsPerStep, double Gflops, double PercentOfSgemm);
