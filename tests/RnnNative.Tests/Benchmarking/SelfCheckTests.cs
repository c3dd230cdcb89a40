using RnnNative.Benchmarking;
using RnnNative.Blas;

namespace RnnNative.Tests.Benchmarking;

/// <summary>The benchmark's check of its own work: a backend with a slightly wrong GEMM aborts before timing.</summary>
public class SelfCheckTests
{
    private static readonly BenchmarkOptions Tiny = new()
    {
        Batch = 6, Units = 7, Steps = 4, Inputs = 3, WarmupSteps = 0, TimedSteps = 1, ProfiledSteps = 0,
    };

    /// <summary>The managed GEMM with C scaled by (1 + error) on every <paramref name="every"/>-th call.</summary>
    private sealed class SkewedBlas(float error, int every) : BlasBackend
    {
        private readonly BlasBackend _exact = Create(BlasKind.Managed);
        private int _calls;

        public override BlasKind Kind => BlasKind.Managed;
        public override string LibraryPath => "(test double)";
        public override string Version => "skewed";
        public override string Kernel => $"managed, C × (1 + {error}) every {every} calls";
        public override int Threads { get => 1; set { } }

        protected override void SgemmCore(bool transA, bool transB, int m, int n, int k, float alpha,
            ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        {
            bool skew = ++_calls % every == 0;
            _exact.Sgemm(transA, transB, m, n, k, skew ? alpha * (1 + error) : alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }

    [Theory]
    [InlineData(1e-3f, 1)]      // every product 0.1% too large
    [InlineData(1e-2f, 7)]      // one product in seven 1% too large
    public void AWrongGemmAbortsTheRun(float error, int every)
    {
        using var wrong = new SkewedBlas(error, every);
        var e = Assert.Throws<BenchmarkCheckException>(() => TrainingBenchmark.Run(Tiny, wrong));
        Assert.Contains("differs from the managed reference", e.Message);
    }

    [Fact]
    public void TheSameDoubleWithoutErrorPasses()
    {
        using var exact = new SkewedBlas(0f, 1);
        var result = TrainingBenchmark.Run(Tiny, exact);
        Assert.Equal(0, result.CheckMaxRelativeError);
        Assert.Equal(BenchCommandTests.ExpectedFlops(6, 4, 3, 7, 10), result.FlopsPerStep);
    }

    [Fact]
    public void RelativeErrorIsTheLargestDifferenceOverTheLargestReferenceValue()
    {
        Assert.Equal(0.25, GradientCheck.RelativeError([1f, -2.5f, 4f], [1f, -2f, 4f]) * 2, 12);
        Assert.Equal(0, GradientCheck.RelativeError([0f, 0f], [0f, 0f]));
        Assert.True(double.IsNaN(GradientCheck.RelativeError([float.NaN], [1f])));
    }
}
