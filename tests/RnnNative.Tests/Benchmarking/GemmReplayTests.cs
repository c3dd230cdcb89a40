using RnnNative.Benchmarking;
using RnnNative.Blas;

namespace RnnNative.Tests.Benchmarking;

/// <summary>The GEMM-only replay: the captured calls go again, unchanged, to their backends, on their own threads.</summary>
public class GemmReplayTests
{
    /// <summary>The managed GEMM, keeping every call's arguments, operand identities and thread.</summary>
    private sealed class LoggingBlas : BlasBackend
    {
        private readonly BlasBackend _exact = Create(BlasKind.Managed);
        public readonly List<GemmCall> Calls = [];

        public override BlasKind Kind => BlasKind.Managed;
        public override string LibraryPath => "(test double)";
        public override string Version => "logging";
        public override string Kernel => "managed, logged";
        public override int Threads { get => 1; set { } }

        protected override void SgemmCore(bool transA, bool transB, int m, int n, int k, float alpha,
            ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        {
            lock (Calls)
                Calls.Add(new GemmCall(this, Environment.CurrentManagedThreadId, transA, transB, m, n, k, alpha,
                    GemmOperand.Of(a), lda, GemmOperand.Of(b), ldb, beta, GemmOperand.Of(c), ldc));
            _exact.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }

    private static GemmCall Call(BlasBackend blas, int thread, int m, int n, int k, GemmOperand a, GemmOperand b,
        GemmOperand c, float beta = 0f) =>
        new(blas, thread, false, false, m, n, k, 1f, a, k, b, n, beta, c, n);

    [Fact]
    public void EveryCallIsReplayedWithItsArgumentsAndSharedStorageStaysShared()
    {
        using var log = new LoggingBlas();
        GemmOperand weights = new(1000, 12), x0 = new(2000, 8), x1 = new(3000, 8), y0 = new(4000, 6), y1 = new(5000, 6);
        var captured = new[]
        {
            Call(log, 1, 2, 3, 4, x0, weights, y0),
            Call(log, 1, 2, 3, 4, x1, weights, y1, beta: 1f),
            Call(log, 1, 2, 3, 4, x1, weights, y0),
        };
        using var replay = new GemmReplay(captured, firstThreadId: 1);
        var seconds = replay.Measure(repeats: 3);

        Assert.Equal(3, seconds.Length);
        Assert.All(seconds, s => Assert.True(s > 0));
        Assert.Equal(5 * 3, log.Calls.Count);   // two untimed replays, then three timed
        for (int i = 0; i < log.Calls.Count; i++)
        {
            GemmCall expected = captured[i % 3], actual = log.Calls[i];
            Assert.Equal((expected.M, expected.N, expected.K, expected.Lda, expected.Ldb, expected.Ldc, expected.Beta),
                (actual.M, actual.N, actual.K, actual.Lda, actual.Ldb, actual.Ldc, actual.Beta));
            Assert.Equal((expected.A.Length, expected.B.Length, expected.C.Length), (actual.A.Length, actual.B.Length, actual.C.Length));
        }
        var first = log.Calls.Take(3).ToArray();
        Assert.Equal(first[0].B.Address, first[1].B.Address);       // one weight buffer, read by every call
        Assert.Equal(first[1].A.Address, first[2].A.Address);
        Assert.Equal(first[0].C.Address, first[2].C.Address);
        Assert.NotEqual(first[0].A.Address, first[1].A.Address);    // distinct storage stays distinct
        Assert.NotEqual(first[1].C.Address, first[2].C.Address);
        Assert.Equal(1, replay.Threads);
    }

    [Fact]
    public void ScratchKeepsTheStepsLayoutOverlapsOffsetsAndAlignment()
    {
        using var log = new LoggingBlas();
        // A workspace at 0x10008 holding two time steps' slices (the second one overlapping the first's tail), a
        // weight matrix at 0x20040 and an operand touching nothing.
        GemmOperand step0 = new(0x10008, 40), step1 = new(0x10008 + 16 * 4, 40), weights = new(0x20040, 12), other = new(0x30000, 5);
        var calls = new[] { Call(log, 1, 2, 3, 4, step0, weights, other), Call(log, 1, 2, 3, 4, step1, weights, other) };
        var scratch = ReplayScratch.For(calls);

        Assert.Same(scratch[step0].Array, scratch[step1].Array);
        Assert.Equal(16, scratch[step1].Offset - scratch[step0].Offset);
        Assert.NotSame(scratch[step0].Array, scratch[weights].Array);
        Assert.NotSame(scratch[weights].Array, scratch[other].Array);
        foreach (var (operand, segment) in scratch)
        {
            Assert.Equal(operand.Length, segment.Count);
            Assert.Equal(operand.Address % 64, AddressOf(segment) % 64);
            Assert.All(segment, v => Assert.InRange(v, -0.5f, 0.5f));
        }
    }

    private static unsafe long AddressOf(ArraySegment<float> segment)
    {
        fixed (float* p = segment.Array) return (long)(p + segment.Offset);
    }

    [Fact]
    public void EachThreadsCallsRunOnTheirOwnThreadAndTheFirstThreadsOnTheCaller()
    {
        using var graph = new LoggingBlas();
        using var helper = new LoggingBlas();
        GemmOperand a = new(1600, 4), b = new(3200, 4), c = new(4800, 4), d = new(6400, 4);
        var captured = new[] { Call(helper, 7, 2, 2, 2, a, b, d), Call(graph, 3, 2, 2, 2, a, b, c) };
        using var replay = new GemmReplay(captured, firstThreadId: 3);
        replay.Measure(repeats: 2);

        Assert.Equal(2, replay.Threads);
        Assert.Equal(4, graph.Calls.Count);
        Assert.Equal(4, helper.Calls.Count);
        Assert.All(graph.Calls, c => Assert.Equal(Environment.CurrentManagedThreadId, c.ThreadId));
        Assert.All(helper.Calls, c => Assert.NotEqual(Environment.CurrentManagedThreadId, c.ThreadId));
    }

    [Fact]
    public void ABenchmarkStepsGemmsReplayAsTheStepMadeThem()
    {
        using var log = new LoggingBlas();
        var options = new BenchmarkOptions
        {
            Batch = 6, Units = 7, Steps = 4, Inputs = 3, WarmupSteps = 0, TimedSteps = 2, ProfiledSteps = 0,
        };
        var result = TrainingBenchmark.Run(options, log);
        // Calls: the checked step, three warm-up replays, then two timed steps, an untimed and two timed replays.
        long perStep = result.GemmCallsPerStep;
        Assert.Equal(9 * perStep, log.Calls.Count - SgemmCalls(log));
        var step = log.Calls.Where(c => c.M != 1024).Take((int)perStep).ToArray();
        var replayed = log.Calls.Where(c => c.M != 1024).Skip((int)(8 * perStep)).ToArray();
        Assert.Equal(step.Select(c => (c.TransA, c.TransB, c.M, c.N, c.K, c.Lda, c.Ldb, c.Ldc, c.Beta)),
            replayed.Select(c => (c.TransA, c.TransB, c.M, c.N, c.K, c.Lda, c.Ldb, c.Ldc, c.Beta)));
        Assert.InRange(result.PercentOfGemmOnly, 0, double.MaxValue);
        Assert.Equal(result.PercentOfBound / result.PercentOfGemmOnly * 100, result.GemmOnlyPercentOfBound, 1e-6);
    }

    private static int SgemmCalls(LoggingBlas log) => log.Calls.Count(c => c.M == 1024);
}
