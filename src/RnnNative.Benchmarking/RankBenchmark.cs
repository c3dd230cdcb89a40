using System.Diagnostics;
using RnnNative.Blas;
using RnnNative.Distributed;
using RnnNative.Models;

namespace RnnNative.Benchmarking;

/// <summary>
/// Data-parallel training of the reference <see cref="SequenceClassifier"/> on random data, run on every rank of a
/// job: each rank trains on B/N examples per step and the gradient slab (with the loss) is averaged in one
/// all-reduce per step, as in <c>mpirun -n N rnn train</c>. Measures the step, its compute and its all-reduce.
/// </summary>
/// <remarks>
/// Order, on every rank in step: build (same seed everywhere), broadcast rank 0's parameters; warm-up steps; the
/// timed steps (step and all-reduce time per step); as many steps with a barrier before each all-reduce (waiting
/// vs transfer); the FMA peak loop on every rank at once (does a busy neighbour slow a core's FMAs?). Each rank's
/// medians are then gathered to all ranks with one all-reduce (each rank fills its own row of a zeroed table).
/// </remarks>
public static class RankBenchmark
{
    private const int Fields = 9; // per rank: step, compute, all-reduce, wait, transfer, FMA, CPUs, allocated, compute CPU

    /// <summary>Runs <paramref name="options"/> (<see cref="BenchmarkOptions.Batch"/> is the global batch) on every rank of <paramref name="ranks"/>.</summary>
    /// <exception cref="ArgumentException">A bad option, or a batch the ranks do not divide.</exception>
    public static RankBenchmarkResult Run(BenchmarkOptions options, ICommunicator ranks)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ranks);
        options.Validate();
        if (options.Batch % ranks.Size != 0)
            throw new ArgumentException($"The global batch {options.Batch} must be divisible by the {ranks.Size} ranks.");
        double load = TrainingBenchmark.LoadAverage();
        var local = options with { Batch = options.Batch / ranks.Size, Seed = options.Seed + ranks.Rank };
        using var blas = BlasBackend.Create(options.Backend, options.Threads);
        var model = new SequenceClassifier(new SequenceClassifierOptions
        {
            Steps = options.Steps, Inputs = options.Inputs, Units = options.Units, Classes = options.Classes,
            Cell = options.Cell, Seed = options.Seed,
        });
        var reducer = new TimedAllReduce(ranks);
        model.Optimizer.GradientReducer = reducer;
        var feeds = TrainingBenchmark.RandomBatch(model, local);
        using var session = new Session(model.Graph, new SessionOptions { Blas = blas, RnnThreading = options.Threading, Precision = options.Precision });
        session.Run(model.Graph.GlobalVariablesInitializer());
        ranks.BroadcastParameters(session);
        for (int i = 0; i < options.WarmupSteps; i++) session.Run(model.TrainOp, feeds);

        var mine = new double[Fields];
        long allocated = TimeSteps(session, model.TrainOp, feeds, reducer, options.TimedSteps, mine);
        reducer.BarrierFirst = true;
        TimeWaits(session, model.TrainOp, feeds, reducer, options.TimedSteps, mine);
        ranks.Barrier();
        mine[5] = FmaPeak.Measure(options.Threads).Gflops;
        ranks.Barrier();
        mine[6] = CpusAllowed();
        mine[7] = allocated;
        var all = Gather(ranks, mine);
        return Result(options, ranks.Size, blas, reducer.LastLength, all, load);
    }

    // Timed steps: mine[0..2] = median step, compute (step − all-reduce) and all-reduce ms, mine[8] = median CPU ms of
    // the compute (this thread's; the BLAS runs on it with one thread); returns bytes allocated per step.
    private static long TimeSteps(Session session, Node train, FeedDict feeds, TimedAllReduce reducer, int steps, double[] mine)
    {
        var step = new double[steps];
        var compute = new double[steps];
        var reduce = new double[steps];
        var computeCpu = new double[steps];
        long allocatedBefore = TrainingBenchmark.AllocatedBytes(session);
        for (int i = 0; i < steps; i++)
        {
            long cpu = ThreadCpuTime.Nanoseconds();
            long start = Stopwatch.GetTimestamp();
            session.Run(train, feeds);
            long ticks = Stopwatch.GetTimestamp() - start;
            (step[i], reduce[i], compute[i]) = (Ms(ticks), Ms(reducer.LastTicks), Ms(ticks - reducer.LastTicks));
            computeCpu[i] = (ThreadCpuTime.Nanoseconds() - cpu - reducer.LastCpuNanoseconds) * 1e-6;
        }
        long allocated = (TrainingBenchmark.AllocatedBytes(session) - allocatedBefore) / steps;
        (mine[0], mine[1], mine[2], mine[8]) = (Median(step), Median(compute), Median(reduce), Median(computeCpu));
        return allocated;
    }

    // The barrier phase: mine[3] = median wait for the slowest rank, mine[4] = median all-reduce after it.
    private static void TimeWaits(Session session, Node train, FeedDict feeds, TimedAllReduce reducer, int steps, double[] mine)
    {
        var wait = new double[steps];
        var transfer = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            session.Run(train, feeds);
            (wait[i], transfer[i]) = (Ms(reducer.LastWaitTicks), Ms(reducer.LastTicks - reducer.LastWaitTicks));
        }
        (mine[3], mine[4]) = (Median(wait), Median(transfer));
    }

    // Every rank's row, on every rank: row r is rank r's values, the other rows zero before the sum.
    private static double[][] Gather(ICommunicator ranks, double[] mine)
    {
        var table = new double[ranks.Size * Fields];
        mine.CopyTo(table, ranks.Rank * Fields);
        ranks.AllReduceSum(table);
        return Enumerable.Range(0, ranks.Size).Select(r => table.AsSpan(r * Fields, Fields).ToArray()).ToArray();
    }

    private static RankBenchmarkResult Result(BenchmarkOptions o, int size, BlasBackend blas, int reducedFloats, double[][] rows, double load)
    {
        double Mean(int field) => rows.Average(r => r[field]);
        double stepMs = Mean(0);
        return new RankBenchmarkResult
        {
            Ranks = size, ThreadsPerRank = blas.Threads, Backend = TrainingBenchmark.BackendName(blas.Kind), Kernel = blas.Kernel,
            Precision = o.Precision == Precision.BFloat16 ? "bf16" : "fp32", Cell = o.Cell.ToString().ToLowerInvariant(),
            Batch = o.Batch, LocalBatch = o.Batch / size, Units = o.Units, Steps = o.Steps, Inputs = o.Inputs, TimedSteps = o.TimedSteps,
            SamplesPerSec = o.Batch / stepMs * 1e3, StepMs = stepMs, ComputeMs = Mean(1),
            ComputeMsSlowestRank = rows.Max(r => r[1]), ComputeMsFastestRank = rows.Min(r => r[1]),
            AllReduceMs = Mean(2), AllReducePercent = Mean(2) / stepMs * 100, WaitMs = Mean(3), TransferMs = Mean(4),
            ComputeCpuMs = ThreadCpuTime.IsAvailable ? Mean(8) : null, ReducedFloats = reducedFloats, FmaGflopsPerRank = Mean(5), CpusPerRank = (int)rows.Min(r => r[6]),
            AllocatedBytesPerStep = (long)rows[0][7], LoadAverage = load, Cpu = CpuFeatures.Current.ModelName,
            YieldWhenIdle = Environment.GetEnvironmentVariable("OMPI_MCA_mpi_yield_when_idle") is "1" or "true",
        };
    }

    // The CPUs this process may run on (Linux affinity mask); the machine's count where it cannot be read.
    private static int CpusAllowed()
    {
        try
        {
            return System.Numerics.BitOperations.PopCount((ulong)Process.GetCurrentProcess().ProcessorAffinity);
        }
        catch (Exception e) when (e is PlatformNotSupportedException or InvalidOperationException)
        {
            return Environment.ProcessorCount;
        }
    }

    private static double Ms(long ticks) => ticks * 1e3 / Stopwatch.Frequency;

    private static double Median(double[] values) => Statistics.Percentile(values, 50);
}
