using System.Diagnostics;
using RnnNative.Blas;

namespace RnnNative.Benchmarks;

/// <summary>
/// `-- best-of BACKEND [rounds]`: a plain timing loop that reports the best of several rounds per shape, in
/// GFLOP/s. On a shared VM the best round is far more repeatable than BenchmarkDotNet's mean (interference only
/// ever slows a round down). One backend per process, so "mklgeneric" / "mklavx2" (MKL capped at its generic or AVX2 kernels; "mkl" takes
/// the CPU's widest) get a clean MKL load.
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
        MklInstructions? cap = name.ToLowerInvariant() switch
        {
            "mklgeneric" => MklInstructions.Generic, "mklavx2" => MklInstructions.Avx2, "mklavx512" => MklInstructions.Avx512, _ => null,
        };
        var kind = cap != null ? BlasKind.Mkl : BlasBackend.ParseKind(name);
        foreach (int threads in new[] { 1, 2 })
        {
            using var blas = BlasBackend.Create(kind, new BlasOptions { Threads = threads, MklInstructions = cap });
            Console.WriteLine($"# {blas.Describe()}");
            var cases = Shapes.Select(shape => new Case(blas, shape)).ToArray();
            // Rounds go round-robin over the shapes, so a slow spell of the VM hits every shape alike and the
            // ratios between shapes (each to the 1024³ rate) hold within one run.
            for (int round = 0; round < rounds; round++)
                foreach (var c in cases) c.TimeRound();
            foreach (var c in cases)
                Console.WriteLine($"{name,-8} threads={threads} {c.Label} best {c.Best,6:F1} GFLOP/s");
        }
        return 0;
    }

    // One shape: operands packed (leading dimension = row length); a round is ~0.25 GFLOP (at least 3 calls).
    private sealed class Case
    {
        private readonly BlasBackend _blas;
        private readonly (bool TransA, bool TransB, int M, int N, int K) _shape;
        private readonly float[] _a, _b, _c;
        private readonly int _calls;

        public Case(BlasBackend blas, (bool TransA, bool TransB, int M, int N, int K) shape)
        {
            _blas = blas;
            _shape = shape;
            var random = new Random(1);
            _a = Enumerable.Range(0, shape.M * shape.K).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            _b = Enumerable.Range(0, shape.K * shape.N).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            _c = new float[shape.M * shape.N];
            _calls = (int)Math.Max(3, 0.25e9 / Flops);
            Call();   // warm-up
        }

        public string Label => $"{(_shape.TransA ? 'T' : 'N')}{(_shape.TransB ? 'T' : 'N')} {_shape.M}x{_shape.N}x{_shape.K,-5}";
        public double Best { get; private set; }
        private double Flops => 2.0 * _shape.M * _shape.N * _shape.K;

        public void TimeRound()
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < _calls; i++) Call();
            Best = Math.Max(Best, Flops * _calls / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);
        }

        private void Call()
        {
            var (ta, tb, m, n, k) = _shape;
            _blas.Sgemm(ta, tb, m, n, k, 1f, _a, ta ? m : k, _b, tb ? k : n, 0f, _c, n);
        }
    }
}
