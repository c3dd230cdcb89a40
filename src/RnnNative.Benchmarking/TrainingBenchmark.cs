using System.Diagnostics;
using System.Globalization;
using RnnNative.Blas;
using RnnNative.Blas.Native;
using RnnNative.Models;

namespace RnnNative.Benchmarking;

/// <summary>
/// Trains the reference <see cref="SequenceClassifier"/> on random data and measures samples per second
/// against the GEMM limit of the same backend and threads, measured in the same run.
/// </summary>
/// <remarks>
/// Order: build; the 1024³ SGEMM rate; one training step with every GEMM counted (the step's FLOPs) and captured,
/// whose gradients are checked against the same step on the managed backend with one thread (a mismatch throws
/// <see cref="BenchmarkCheckException"/> before anything is timed); warm-up steps; the timed steps (median and
/// 90th percentile, allocations), alternating in blocks with the captured GEMMs replayed alone
/// (<see cref="GemmReplay"/>, the ceiling of the design on this library); profiled steps for the breakdown; the SGEMM rate again (the higher counts).
/// </remarks>
public static class TrainingBenchmark
{
    /// <summary>Runs one configuration on a new backend of <see cref="BenchmarkOptions.Backend"/>.</summary>
    public static BenchmarkResult Run(BenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var blas = BlasBackend.Create(options.Backend, options.Threads);
        return Run(options, blas);
    }

    /// <summary>Runs one configuration on <paramref name="blas"/> (its kind and threads are used as they are; not disposed).</summary>
    public static BenchmarkResult Run(BenchmarkOptions options, BlasBackend blas)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(blas);
        options.Validate();
        double load = LoadAverage();
        var model = new SequenceClassifier(new SequenceClassifierOptions
        {
            Steps = options.Steps, Inputs = options.Inputs, Units = options.Units, Classes = options.Classes,
            Cell = options.Cell, Seed = options.Seed,
        });
        var feeds = RandomBatch(model, options);
        using var counting = new CountingBlas(blas, ownsInner: false);
        using var session = new Session(model.Graph, new SessionOptions { Blas = counting, RnnThreading = options.Threading, Precision = options.Precision });
        session.Run(model.Graph.GlobalVariablesInitializer());

        // The SGEMM rate first: a BLAS thread team it wakes spins for a while afterwards, which the warm-up absorbs.
        double sgemm = SgemmRate.Measure(blas, options.Precision);
        var (flops, captured, checkError) = CheckedFirstStep(session, counting.Counters, model, feeds, blas.Describe());
        for (int i = 0; i < options.WarmupSteps; i++) session.Run(model.TrainOp, feeds);
        var (stepSeconds, replaySeconds, allocated) = TimeSteps(session, model.TrainOp, feeds, captured, options.TimedSteps);
        var breakdown = Profile(session, counting.Counters, model.TrainOp, feeds, options.ProfiledSteps);
        var byShape = counting.Counters.ByShape.ToDictionary(kv => kv.Key, kv => (kv.Value.Calls, kv.Value.Ticks));
        // Measured again after the steps: on a shared machine one measurement can fall into a busy moment; the
        // higher of the two is the better estimate of the limit (and the lower percentage of bound). Not before the
        // profiled steps: OpenBLAS's thread team spins ~0.1 s after a threaded GEMM, on the core the RNN's second
        // thread needs, and would show as "waiting" in the profile.
        sgemm = Math.Max(sgemm, SgemmRate.Measure(blas, options.Precision));
        double fmaPeak = FmaPeak.Measure(blas.Threads).Gflops;
        var measured = new Measured(sgemm, fmaPeak, flops, captured.Count, checkError, stepSeconds, replaySeconds, allocated,
            breakdown, ShapeTimes(byShape, options.ProfiledSteps, sgemm / session.Compute.Parts), load);
        return Result(options, blas, ThreadingName(session), measured);
    }

    // What one configuration measured, before it is turned into rates.
    private sealed record Measured(double SgemmGflops, double FmaPeakGflops, long Flops, int Calls, double CheckError, double[] StepSeconds,
        double[] ReplaySeconds, long AllocatedPerStep, StepBreakdown Breakdown, GemmShapeTime[] Shapes, double Load);

    /// <summary>The bf16 peak as a multiple of the measured float32 FMA peak (stated, not measured).</summary>
    public const double Bf16PeakFactor = 2;

    private static BenchmarkResult Result(BenchmarkOptions options, BlasBackend blas, string threading, Measured m)
    {
        double p50 = Statistics.Percentile(m.StepSeconds, 50), p90 = Statistics.Percentile(m.StepSeconds, 90);
        double gemmOnly = Statistics.Percentile(m.ReplaySeconds, 50);
        double bound = m.SgemmGflops * 1e9 / m.Flops * options.Batch;
        // bf16: against twice the float32 FMA peak (vdpbf16ps does two bf16 products per float32 lane; .NET exposes
        // no AVX512_BF16 intrinsic to measure it, so the factor is stated: docs/precision.md).
        double peakGflops = m.FmaPeakGflops * (options.Precision == Precision.BFloat16 ? Bf16PeakFactor : 1);
        double peakBound = peakGflops * 1e9 / m.Flops * options.Batch;
        return new BenchmarkResult
        {
            Backend = BackendName(blas.Kind), Threads = blas.Threads, Threading = threading,
            Precision = options.Precision == Precision.BFloat16 ? "bf16" : "fp32", Cell = options.Cell.ToString().ToLowerInvariant(), Batch = options.Batch, Units = options.Units,
            Steps = options.Steps, Inputs = options.Inputs, TimedSteps = options.TimedSteps,
            SamplesPerSec = options.Batch / p50, StepMsP50 = p50 * 1e3, StepMsP90 = p90 * 1e3,
            Gflops = m.Flops / p50 / 1e9, SgemmGflops1024 = m.SgemmGflops, BoundSamplesPerSec = bound,
            PercentOfBound = options.Batch / p50 / bound * 100, AllocatedBytesPerStep = m.AllocatedPerStep,
            GemmOnlyStepMs = gemmOnly * 1e3, GemmOnlyPercentOfBound = options.Batch / gemmOnly / bound * 100,
            PercentOfGemmOnly = gemmOnly / p50 * 100, FlopsPerStep = m.Flops, GemmCallsPerStep = m.Calls,
            Kernel = options.Precision == Precision.BFloat16 ? $"{blas.Kernel}; bf16 GEMMs: {blas.Bf16Kernel}" : blas.Kernel,
            MklKernel = blas.Kind == BlasKind.Mkl ? MklNative.KernelLibrary() : null,
            BlasVersion = blas.Version, CheckMaxRelativeError = m.CheckError, Breakdown = m.Breakdown,
            GemmShapes = m.Shapes, LoadAverage = m.Load,
            Cpu = CpuFeatures.Current.ModelName, VectorBits = CpuFeatures.Current.VectorBits,
            FmaPeakGflops = m.FmaPeakGflops, PeakBoundSamplesPerSec = peakBound,
            PercentOfPeak = options.Batch / p50 / peakBound * 100,
        };
    }

    /// <summary>The name of a backend kind in results and on the command line.</summary>
    public static string BackendName(BlasKind kind) => kind.ToString().ToLowerInvariant();

    private static string ThreadingName(Session session) => session.Compute.Parts switch
    {
        > 1 => "batch-split",
        _ => session.Blas.Threads > 1 ? "blas-threads" : "serial",
    };

    // X (B, T, I) uniform in [0, 1) like pixel intensities, labels uniform over the classes.
    internal static FeedDict RandomBatch(SequenceClassifier model, BenchmarkOptions options)
    {
        var random = new Random(options.Seed);
        var x = new float[options.Batch * options.Steps * options.Inputs];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
        var y = new int[options.Batch];
        for (int i = 0; i < y.Length; i++) y[i] = random.Next(options.Classes);
        return new FeedDict
        {
            [model.X] = Tensor.FromArray(x, options.Batch, options.Steps, options.Inputs),
            [model.Y] = Tensor.FromArray(y, options.Batch),
        };
    }

    // The first training step, with every GEMM counted and captured, and its gradients compared with the same
    // step from the same weights on the managed backend with one thread.
    private static (long Flops, IReadOnlyList<GemmCall> Calls, double Error) CheckedFirstStep(Session session, GemmCounters counters,
        SequenceClassifier model, FeedDict feeds, string what)
    {
        using var reference = new Session(model.Graph, new SessionOptions { Backend = BlasKind.Managed, Threads = 1, Precision = session.Precision });
        foreach (var variable in model.Graph.GlobalVariables) reference.Assign(variable, session.Read(variable));
        counters.Reset();
        counters.Recording = true;
        counters.StartCapture();
        session.Run(model.TrainOp, feeds);
        var calls = counters.StopCapture();
        counters.Recording = false;
        reference.Run(model.TrainOp, feeds);
        double error = GradientCheck.Verify(session, reference, what);
        return (counters.Flops, calls, error);
    }

    // Timed steps and replays of the step's GEMMs alone in alternating blocks, so a drift in the machine's speed
    // (this VM's run-to-run spread is 10-25 %) moves both medians alike rather than their ratio. Each block of
    // replays starts with an untimed one, which the RNN helper threads' spinning after a step may slow (a slower
    // replay would lower the ceiling). Allocations are counted over the steps only.
    private static (double[] Steps, double[] Replays, long AllocatedPerStep) TimeSteps(Session session, Node train,
        FeedDict feeds, IReadOnlyList<GemmCall> captured, int steps)
    {
        const int Block = 5;
        var seconds = new double[steps];
        var replays = new double[steps];
        using var replay = new GemmReplay(captured, Environment.CurrentManagedThreadId);
        replay.Measure(1);
        long allocated = 0;
        for (int first = 0; first < steps; first += Block)
        {
            int end = Math.Min(steps, first + Block);
            long allocatedBefore = AllocatedBytes(session);
            for (int i = first; i < end; i++)
            {
                long start = Stopwatch.GetTimestamp();
                session.Run(train, feeds);
                seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
            allocated += AllocatedBytes(session) - allocatedBefore;
            replay.RunOnce();   // untimed: the RNN's helper threads spin ~1 ms after their last part (ForkJoinPool)
            for (int i = first; i < end; i++) replays[i] = replay.RunOnce();
        }
        return (seconds, replays, allocated / steps);
    }

    /// <summary>Managed bytes allocated so far by this thread and the session's helper threads.</summary>
    internal static long AllocatedBytes(Session session) =>
        GC.GetAllocatedBytesForCurrentThread() + session.Compute.HelperAllocatedBytes;

    private static StepBreakdown Profile(Session session, GemmCounters counters, Node train, FeedDict feeds, int steps)
    {
        if (steps == 0) return new StepBreakdown(0, 0, 0, 0, 0);
        var profile = new StepProfile(session, counters);
        counters.Reset();
        counters.Recording = true;
        session.Observer = profile;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < steps; i++) session.Run(train, feeds);
        long total = Stopwatch.GetTimestamp() - start;
        session.Observer = null;
        counters.Recording = false;
        return profile.Breakdown(total, steps);
    }

    // callGflops: the 1024³ rate one call had to itself (with the batch split, each thread's calls are
    // single-threaded: a thread's share of the rate).
    private static GemmShapeTime[] ShapeTimes(Dictionary<GemmShape, (long Calls, long Ticks)> byShape, int steps,
        double callGflops)
    {
        if (steps == 0) return [];
        return byShape.OrderByDescending(kv => kv.Value.Ticks).Select(kv =>
        {
            double seconds = (double)kv.Value.Ticks / Stopwatch.Frequency;
            double gflops = seconds > 0 ? kv.Key.Flops * kv.Value.Calls / seconds / 1e9 : 0;
            return new GemmShapeTime(kv.Key.ToString(), (double)kv.Value.Calls / steps, seconds * 1e3 / steps, gflops,
                gflops / callGflops * 100);
        }).ToArray();
    }

    // The 1-minute load average from /proc/loadavg; -1 where there is none.
    internal static double LoadAverage()
    {
        try
        {
            string first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return -1;
        }
    }
}
