using System.Diagnostics;
using RnnNative.Blas;

namespace RnnNative.Benchmarks;

/// <summary>
/// `-- best-of BACKEND [rounds]`: a plain timing loop that reports the best of several rounds per shape, in
/// GFLOP/s. On a shared VM the best round is far more repeatable than BenchmarkDotNet's mean (interference only
/// ever slows a round down). One backend per process, so "mklavx2" (MKL with the AVX2 CPU shim) gets a clean MKL load.
/// </summary>
internal static class BestOfGemm
{
    // The square reference, the plain shapes of the GEMM benchmarks, and the basic cell's three products as the
    // fused RNN calls them: per step [x_t | h_{t-1}]·[Wx; Wh] (NN) and dPre·Whᵀ (NT), once per training step
    // the kernel gradient [X | H]ᵀ·dPre over all B·T = 4200 rows (TN).
    private static readonly (bool TransA, bool TransB, int M, int N, int K)[] Shapes =
    [
        (false, false, 1024, 1024, 1024), (false, false, 150, 150, 28), (false, false, 150, 150, 150),
        (false, false, 4200, 150, 28), (false, false, 150, 150, 4200),
        (false, false, 150, 150, 178), (false, true, 150, 150, 150), (true, false, 178, 150, 4200),
    ];

    public static int Run(string[] args)
    {
        string name = args.Length > 1 ? args[1] : "managed";
        int rounds = args.Length > 2 ? int.Parse(args[2]) : 7;
        bool avx2 = name.Equals("mklavx2", StringComparison.OrdinalIgnoreCase);
        var kind = avx2 ? BlasKind.Mkl : BlasBackend.ParseKind(name);
        foreach (int threads in new[] { 1, 2 })
        {
            using var blas = BlasBackend.Create(kind, new BlasOptions { Threads = threads, MklAvx2 = avx2 });
            Console.WriteLine($"# {blas.Describe()}");
            foreach (var (ta, tb, m, n, k) in Shapes)
                Console.WriteLine($"{name,-8} threads={threads} {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} {m}x{n}x{k,-5} " +
                    $"best {BestGflops(blas, ta, tb, m, n, k, rounds),6:F1} GFLOP/s");
        }
        return 0;
    }

    // Best of `rounds` rounds of ~0.25 GFLOP each (at least 3 calls).
    // Operands are packed (leading dimension = row length).
    private static double BestGflops(BlasBackend blas, bool ta, bool tb, int m, int n, int k, int rounds)
    {
        var random = new Random(1);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var c = new float[m * n];
        int lda = ta ? m : k, ldb = tb ? k : n;
        double flops = 2.0 * m * n * k;
        int calls = (int)Math.Max(3, 0.25e9 / flops);
        blas.Sgemm(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n); // warm-up
        double best = 0;
        for (int round = 0; round < rounds; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++) blas.Sgemm(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
            best = Math.Max(best, flops * calls / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);
        }
        return best;
    }
}
