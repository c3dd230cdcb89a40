using RnnNative.Blas;

namespace RnnNative.Tests.Blas;

/// <summary>A random GEMM problem with padded leading dimensions, checked against <see cref="NaiveGemm"/>.</summary>
internal sealed class GemmProblem
{
    public required bool TransA, TransB;
    public required int M, N, K, Lda, Ldb, Ldc;
    public required float Alpha, Beta;
    public required float[] A, B, C0;

    /// <summary>op(A): (m × k), op(B): (k × n), C: (m × n); every leading dimension exceeds its row by <paramref name="pad"/>.</summary>
    public static GemmProblem Random(bool transA, bool transB, int m, int n, int k, int seed,
        float alpha = 0.75f, float beta = -0.5f, int pad = 3)
    {
        var random = new Random(seed);
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        float[] Fill(int length) { var x = new float[length]; for (int i = 0; i < length; i++) x[i] = (float)(2 * random.NextDouble() - 1); return x; }
        return new GemmProblem
        {
            TransA = transA, TransB = transB, M = m, N = n, K = k,
            Lda = aCols + pad, Ldb = bCols + pad, Ldc = n + pad, Alpha = alpha, Beta = beta,
            A = Fill(aRows * (aCols + pad)), B = Fill(bRows * (bCols + pad)), C0 = Fill(m * (n + pad)),
        };
    }

    private (double[] C, double[] Magnitude)? _reference;

    /// <summary>The naive double-precision result and per-element magnitudes (computed once per problem).</summary>
    public (double[] C, double[] Magnitude) Reference
    {
        get { lock (A) return _reference ??= NaiveGemm.Run(TransA, TransB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, C0, Ldc); }
    }

    /// <summary>Runs the problem on <paramref name="blas"/> and returns the whole C buffer (padding included).</summary>
    public float[] RunOn(BlasBackend blas)
    {
        float[] c = (float[])C0.Clone();
        blas.Sgemm(TransA, TransB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc);
        return c;
    }

    /// <summary>Asserts every element is within the float error bound of the double reference, and padding is untouched.</summary>
    public void AssertMatchesReference(float[] c, string label)
    {
        var (expected, magnitude) = Reference;
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double want = expected[i * N + j], got = c[i * Ldc + j];
                double tolerance = NaiveGemm.Tolerance(K, magnitude[i * N + j]);
                if (!(Math.Abs(got - want) <= tolerance))
                    Assert.Fail($"{label}: C[{i},{j}] = {got}, reference {want}, |error| {Math.Abs(got - want):E2} > bound {tolerance:E2}");
            }
            for (int j = N; j < Ldc && i * Ldc + j < c.Length; j++)
                Assert.True(BitConverter.SingleToInt32Bits(c[i * Ldc + j]) == BitConverter.SingleToInt32Bits(C0[i * Ldc + j]), $"{label}: padding C[{i},{j}] was written");
        }
    }

    public override string ToString() =>
        $"{(TransA ? "T" : "N")}{(TransB ? "T" : "N")} m={M} n={N} k={K} lda={Lda} ldb={Ldb} ldc={Ldc} alpha={Alpha} beta={Beta}";
}
