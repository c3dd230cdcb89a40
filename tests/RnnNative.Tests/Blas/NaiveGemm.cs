namespace RnnNative.Tests.Blas;

/// <summary>
/// Deliberately naive reference GEMM in double precision, plus the rounding-error bound each float result
/// must meet. Row-major, same storage conventions as <see cref="RnnNative.Blas.BlasBackend.Sgemm"/>.
/// </summary>
internal static class NaiveGemm
{
    private const double UnitRoundoff = 1.0 / (1 << 24); // float: u = 2^-24

    /// <summary>Reference C = alpha·op(A)·op(B) + beta·C0 and, per element, |alpha|·Σ|a||b| + |beta·C0|.</summary>
    public static (double[] C, double[] Magnitude) Run(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c0, int ldc)
    {
        var c = new double[m * n];
        var magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = transA ? a[p * lda + i] : a[i * lda + p];
                    double y = transB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += x * y;
                    abs += Math.Abs(x * y);
                }
                double old = beta == 0 ? 0 : (double)beta * c0[i * ldc + j];
                c[i * n + j] = alpha * sum + old;
                magnitude[i * n + j] = Math.Abs(alpha) * abs + Math.Abs(old);
            }
        return (c, magnitude);
    }

    /// <summary>
    /// Worst-case float error of a k-term dot product in any summation order plus the alpha/beta update:
    /// γ(k+3)·magnitude with γ(j) = j·u/(1 − j·u) (Higham, Accuracy and Stability, §3.1).
    /// </summary>
    public static double Tolerance(int k, double magnitude)
    {
        double j = k + 3;
        return j * UnitRoundoff / (1 - j * UnitRoundoff) * magnitude + 1e-30;
    }
}
