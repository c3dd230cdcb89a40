namespace RnnNative.Blas;

/// <summary>GEMM in plain C#: cache-blocked, Vector512 or Vector256 FMA micro-kernel (<see cref="ManagedGemmKernel"/>).</summary>
/// <remarks>
/// With <see cref="Threads"/> &gt; 1 the larger of m and n is cut into one contiguous slab per thread (whole
/// register tiles: 8×32 or 6×16); each thread packs its own panels, so slabs share nothing and every element of C
/// is computed in the same order as single-threaded (results are bitwise identical). The slabs run on a
/// <see cref="ForkJoinPool"/> of this instance (its failure rule: every slab ends, then the first failure is
/// rethrown).
/// </remarks>
internal sealed unsafe partial class ManagedBlas : BlasBackend, IPartJob
{
    // Below this many multiply-adds a GEMM stays on the calling thread: waking a worker costs tens of µs,
    // which a 150³ product (3.4 M) does not repay, while the all-step products (tens of M) do.
    private const long ParallelThreshold = 4_000_000;

    private int _threads = 1;
    private ForkJoinPool? _pool;
    private readonly Lock _poolGate = new();
    private GemmJob _job;

    public override BlasKind Kind => BlasKind.Managed;
    public override string LibraryPath => "(managed)";
    public override string Version => $"RnnNative managed GEMM {typeof(ManagedBlas).Assembly.GetName().Version}";
    public override string Kernel =>
        $"{ManagedGemmKernel.MR}x{ManagedGemmKernel.NR} Vector{ManagedGemmKernel.VectorBits} micro-kernel, " +
        (System.Runtime.Intrinsics.X86.Fma.IsSupported ? "FMA" : "no FMA (multiply + add)");

    public override int Threads
    {
        get => _threads;
        set => _threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Threads), value, "Threads must be at least 1.");
    }

    protected override void SgemmCore(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            var job = new GemmJob(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            if (_threads == 1 || (long)m * n * k < ParallelThreshold) { job.Run(0, 1); return; }
            lock (_poolGate) // one multi-threaded GEMM at a time per instance: the job lives in a field
            {
                if (_pool == null || _pool.Parts != _threads) { _pool?.Dispose(); _pool = new ForkJoinPool(_threads, "RnnNative GEMM"); }
                _job = job;
                try { _pool.Run(this); }
                finally { _job = default; }   // its pointers are only valid inside the fixed block
            }
        }
    }

    internal override BlasBackend CreateSingleThreaded() => new ManagedBlas { Threads = 1 };

    void IPartJob.Run(int part) => _job.Run(part, _pool!.Parts);

    public override void Dispose()
    {
        _pool?.Dispose();
        _pool = null;
        base.Dispose();
    }

    // An undisposed multi-threaded instance still stops its worker threads once it is collected.
    ~ManagedBlas() => _pool?.Dispose();

    /// <summary>One validated GEMM on pinned pointers, split into slabs.</summary>
    private readonly struct GemmJob(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        /// <summary>Runs slab <paramref name="part"/> of <paramref name="parts"/>.</summary>
        public void Run(int part, int parts)
        {
            if (m >= n)
            {
                int rows = Slab(m, parts, ManagedGemmKernel.MR), i0 = part * rows;
                if (i0 >= m) return;
                float* aSlab = transA ? a + i0 : a + (long)i0 * lda; // A stored (k × m) or (m × k)
                ManagedGemmKernel.Gemm(transA, transB, Math.Min(rows, m - i0), n, k, alpha,
                    aSlab, lda, b, ldb, beta, c + (long)i0 * ldc, ldc);
            }
            else
            {
                int cols = Slab(n, parts, ManagedGemmKernel.NR), j0 = part * cols;
                if (j0 >= n) return;
                float* bSlab = transB ? b + (long)j0 * ldb : b + j0; // B stored (n × k) or (k × n)
                ManagedGemmKernel.Gemm(transA, transB, m, Math.Min(cols, n - j0), k, alpha,
                    a, lda, bSlab, ldb, beta, c + j0, ldc);
            }
        }

        // Slab size: an even share of `size`, rounded up to a multiple of the register tile.
        private static int Slab(int size, int parts, int tile) => ((size + parts - 1) / parts + tile - 1) / tile * tile;
    }
}
