using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnNative;

/// <summary>One measurement of the machine's fused multiply-add rate.</summary>
/// <param name="Threads">Threads that ran the loop at once.</param>
/// <param name="VectorBits">Vector width of the loop: 512, 256 or 128.</param>
/// <param name="Gflops">Sum over the threads of 2 FLOPs per lane per FMA, 10⁹/s (the best of the rounds).</param>
public sealed record FmaPeakResult(int Threads, int VectorBits, double Gflops);

/// <summary>
/// The single-precision FMA peak: every thread runs a loop of independent vector FMAs that never touches memory.
/// No library reaches this rate; it is the bound that does not move when the BLAS library changes.
/// </summary>
/// <remarks>
/// Each iteration does <see cref="Accumulators"/> independent FMAs acc_i = acc_i·m + a, enough to cover the FMA
/// latency × the FMA ports of current x86 cores (4 cycles × 2 ports = 8 in flight). FLOPs per iteration =
/// 2 · lanes · accumulators. A round times all threads between one start signal and the last finish; the best of
/// the rounds is kept (background load only ever slows a round down).
/// </remarks>
public static class FmaPeak
{
    /// <summary>Independent FMA chains per thread.</summary>
    public const int Accumulators = 12;

    /// <summary>Measures with the widest vectors .NET accelerates here (<see cref="CpuFeatures.VectorBits"/>).</summary>
    public static FmaPeakResult Measure(int threads, int rounds = 5, int iterations = 2_000_000) =>
        Measure(threads, CpuFeatures.Current.VectorBits, rounds, iterations);

    /// <summary>Measures with vectors of <paramref name="vectorBits"/> (512 needs Vector512 acceleration, 256 Vector256).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Bad thread/round/iteration count, or a width this CPU does not accelerate.</exception>
    public static FmaPeakResult Measure(int threads, int vectorBits, int rounds, int iterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        if (!IsAccelerated(vectorBits))
            throw new ArgumentOutOfRangeException(nameof(vectorBits), vectorBits,
                $"{vectorBits}-bit vectors are not hardware-accelerated here (widest: {CpuFeatures.Current.VectorBits}).");
        double flopsPerThread = 2.0 * (vectorBits / 32) * Accumulators * iterations;
        double best = 0;
        Loop(vectorBits, iterations / 10 + 1); // JIT and warm-up
        for (int r = 0; r < rounds; r++)
            best = Math.Max(best, threads * flopsPerThread / TimeRound(threads, vectorBits, iterations) / 1e9);
        return new FmaPeakResult(threads, vectorBits, best);
    }

    /// <summary>Whether .NET runs vectors of this width in hardware.</summary>
    public static bool IsAccelerated(int vectorBits) => vectorBits switch
    {
        512 => Vector512.IsHardwareAccelerated,
        256 => Vector256.IsHardwareAccelerated,
        128 => Vector128.IsHardwareAccelerated,
        _ => false,
    };

    private static double TimeRound(int threads, int vectorBits, int iterations)
    {
        using var start = new ManualResetEventSlim(false);
        var workers = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            workers[i] = new Thread(() => { start.Wait(); Loop(vectorBits, iterations); }) { IsBackground = true };
            workers[i].Start();
        }
        Thread.Sleep(1); // let the workers reach the start signal
        long t0 = Stopwatch.GetTimestamp();
        start.Set();
        foreach (var w in workers) w.Join();
        return Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }

    private static float Loop(int vectorBits, int iterations) => vectorBits switch
    {
        512 => Loop512(iterations),
        256 => Loop256(iterations),
        _ => Loop128(iterations),
    };

    // acc·m + a with m < 1 converges to a / (1 − m): no overflow, no denormals, whatever the iteration count.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop512(int iterations)
    {
        var m = Vector512.Create(0.999f); var a = Vector512.Create(1e-3f);
        Vector512<float> a0 = a, a1 = a, a2 = a, a3 = a, a4 = a, a5 = a, a6 = a, a7 = a, a8 = a, a9 = a, a10 = a, a11 = a;
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, a); a1 = Vector512.FusedMultiplyAdd(a1, m, a);
            a2 = Vector512.FusedMultiplyAdd(a2, m, a); a3 = Vector512.FusedMultiplyAdd(a3, m, a);
            a4 = Vector512.FusedMultiplyAdd(a4, m, a); a5 = Vector512.FusedMultiplyAdd(a5, m, a);
            a6 = Vector512.FusedMultiplyAdd(a6, m, a); a7 = Vector512.FusedMultiplyAdd(a7, m, a);
            a8 = Vector512.FusedMultiplyAdd(a8, m, a); a9 = Vector512.FusedMultiplyAdd(a9, m, a);
            a10 = Vector512.FusedMultiplyAdd(a10, m, a); a11 = Vector512.FusedMultiplyAdd(a11, m, a);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop256(int iterations)
    {
        var m = Vector256.Create(0.999f); var a = Vector256.Create(1e-3f);
        Vector256<float> a0 = a, a1 = a, a2 = a, a3 = a, a4 = a, a5 = a, a6 = a, a7 = a, a8 = a, a9 = a, a10 = a, a11 = a;
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, a); a1 = Vector256.FusedMultiplyAdd(a1, m, a);
            a2 = Vector256.FusedMultiplyAdd(a2, m, a); a3 = Vector256.FusedMultiplyAdd(a3, m, a);
            a4 = Vector256.FusedMultiplyAdd(a4, m, a); a5 = Vector256.FusedMultiplyAdd(a5, m, a);
            a6 = Vector256.FusedMultiplyAdd(a6, m, a); a7 = Vector256.FusedMultiplyAdd(a7, m, a);
            a8 = Vector256.FusedMultiplyAdd(a8, m, a); a9 = Vector256.FusedMultiplyAdd(a9, m, a);
            a10 = Vector256.FusedMultiplyAdd(a10, m, a); a11 = Vector256.FusedMultiplyAdd(a11, m, a);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop128(int iterations)
    {
        var m = Vector128.Create(0.999f); var a = Vector128.Create(1e-3f);
        Vector128<float> a0 = a, a1 = a, a2 = a, a3 = a, a4 = a, a5 = a, a6 = a, a7 = a, a8 = a, a9 = a, a10 = a, a11 = a;
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector128.FusedMultiplyAdd(a0, m, a); a1 = Vector128.FusedMultiplyAdd(a1, m, a);
            a2 = Vector128.FusedMultiplyAdd(a2, m, a); a3 = Vector128.FusedMultiplyAdd(a3, m, a);
            a4 = Vector128.FusedMultiplyAdd(a4, m, a); a5 = Vector128.FusedMultiplyAdd(a5, m, a);
            a6 = Vector128.FusedMultiplyAdd(a6, m, a); a7 = Vector128.FusedMultiplyAdd(a7, m, a);
            a8 = Vector128.FusedMultiplyAdd(a8, m, a); a9 = Vector128.FusedMultiplyAdd(a9, m, a);
            a10 = Vector128.FusedMultiplyAdd(a10, m, a); a11 = Vector128.FusedMultiplyAdd(a11, m, a);
        }
        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
