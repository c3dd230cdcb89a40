using System.Diagnostics;
using RnnNative.Blas;

namespace RnnNative.Benchmarking;

/// <summary>The rate of one large square SGEMM: the machine's GEMM limit for a backend and thread count.</summary>
public static class SgemmRate
{
    /// <summary>
    /// The best GFLOP/s (2·n³ / time) of C = A·B with n = <paramref name="size"/> over <paramref name="repeats"/>
    /// calls after two untimed ones, on <paramref name="blas"/> with its current threads.
    /// </summary>
    /// <remarks>The fastest call, not the median: on a shared VM interference only ever slows a call down (a
    /// threaded BLAS waits in spin barriers for a descheduled vCPU), so the fastest call is the repeatable
    /// estimate of what the machine can do, and the stricter bound for a percentage of it.</remarks>
    public static double Measure(BlasBackend blas, int size = 1024, int repeats = 7) => Measure(blas, Precision.Float32, size, repeats);

    /// <summary>As <see cref="Measure(BlasBackend, int, int)"/>, with bfloat16 operands (<see cref="BlasBackend.GemmBf16"/>) when asked.</summary>
    public static double Measure(BlasBackend blas, Precision precision, int size = 1024, int repeats = 7)
    {
        ArgumentNullException.ThrowIfNull(blas);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repeats);
        var random = new Random(7);
        float[] a = RandomMatrix(random, size), b = RandomMatrix(random, size), c = new float[size * size];
        ushort[] a16 = new ushort[a.Length], b16 = new ushort[b.Length];
        BFloat16.FromFloats(a, a16);
        BFloat16.FromFloats(b, b16);
        var seconds = new double[repeats];
        for (int r = -2; r < repeats; r++)
        {
            long start = Stopwatch.GetTimestamp();
            if (precision == Precision.BFloat16)
                blas.GemmBf16(false, false, size, size, size, 1f, a16, size, b16, size, 0f, c, size);
            else
                blas.Sgemm(false, false, size, size, size, 1f, a, size, b, size, 0f, c, size);
            if (r >= 0) seconds[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return 2.0 * size * size * size / Statistics.Percentile(seconds, 0) / 1e9;
    }

    private static float[] RandomMatrix(Random random, int size)
    {
        var m = new float[size * size];
        for (int i = 0; i < m.Length; i++) m[i] = (float)random.NextDouble() - 0.5f;
        return m;
    }
}

/// <summary>Order statistics of timings.</summary>
internal static class Statistics
{
    /// <summary>The p-th percentile (0..100) by linear interpolation between order statistics; sorts a copy.</summary>
    public static double Percentile(ReadOnlySpan<double> values, double p)
    {
        if (values.IsEmpty) throw new ArgumentException("No values.", nameof(values));
        var sorted = values.ToArray();
        Array.Sort(sorted);
        double rank = p / 100 * (sorted.Length - 1);
        int low = (int)Math.Floor(rank), high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (rank - low) * (sorted[high] - sorted[low]);
    }
}
