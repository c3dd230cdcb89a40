using System.Runtime.Intrinsics;

namespace RnnNative.Blas;

/// <summary>
/// Single-threaded, cache-blocked SGEMM in the style of BLIS/GotoBLAS: B is packed into (KC × NR) panels,
/// A (scaled by alpha) into (MR × KC) panels or, with alpha = 1, read in place, and an MR×NR register-tile FMA
/// micro-kernel sweeps them. Two tiles:
/// 8×32 with 16 Vector512 accumulators where Vector512 is accelerated (AVX-512: 32 vector registers), else 6×16
/// with 12 Vector256 accumulators (AVX2: 16 registers). Either way a C element sums its k terms in the same order
/// with the same FMA, so both tiles give identical bits. Packing absorbs the transposes and leading dimensions;
/// partial tiles are zero-padded.
/// </summary>
/// <remarks>
/// Loops (jc, pc, ic, jr, ir) over C(m × n) = beta · C + alpha · A(m × k) · B(k × n), beta applied by the first
/// k-block's micro-kernel stores (no separate pass over C):
/// a (KC × NC) block of B stays in L3, a (MC × KC) block of A in L2, one (KC × NR) panel of B in L1/L2.
/// </remarks>
internal static unsafe partial class ManagedGemmKernel
{
    public const int KC = 256, MC = 144, NC = 4064;

    /// <summary>The tile used on this CPU, chosen once: 8×32 at 512 bits exactly when Vector512 is accelerated.</summary>
    public static readonly bool UsesWideTile = Vector512.IsHardwareAccelerated;

    /// <summary>Rows of the register tile on this CPU.</summary>
    public static int MR => RowsOf(UsesWideTile);

    /// <summary>Columns of the register tile on this CPU.</summary>
    public static int NR => ColumnsOf(UsesWideTile);

    /// <summary>The micro-kernel's vector width: 512 exactly when Vector512 is accelerated.</summary>
    public static int VectorBits => UsesWideTile ? 512 : 256;

    internal static int RowsOf(bool wide) => wide ? 8 : 6;

    internal static int ColumnsOf(bool wide) => wide ? 32 : 16;

    // Packing buffers, one pair per thread, grown on demand and kept (zero allocation in steady state).
    [ThreadStatic] private static float[]? _packedA;
    [ThreadStatic] private static float[]? _packedB;

    /// <summary>C = alpha·op(A)·op(B) + beta·C on already validated pointers (row-major), with this CPU's tile.</summary>
    public static void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc) =>
        Gemm(UsesWideTile, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>The same with the tile chosen by the caller (<paramref name="wide"/>: 8×32 Vector512, else 6×16 Vector256).</summary>
    internal static void Gemm(bool wide, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (alpha == 0 || k == 0) { ScaleC(m, n, beta, c, ldc); return; }
        int nr = ColumnsOf(wide);
        float[] packedA = Buffer(ref _packedA, MC * KC);
        float[] packedB = Buffer(ref _packedB, KC * RoundUp(Math.Min(n, NC), nr));
        fixed (float* ap = packedA)
        fixed (float* bp = packedB)
        {
            for (int jc = 0; jc < n; jc += NC)
            {
                int nc = Math.Min(NC, n - jc);
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    var bBlock = PackB(transB, b, ldb, pc, jc, kc, nc, nr, bp);
                    for (int ic = 0; ic < m; ic += MC)
                    {
                        int mc = Math.Min(MC, m - ic);
                        var aBlock = PackA(transA, a, lda, ic, pc, mc, kc, alpha, RowsOf(wide), ap);
                        // the first k-block applies beta to C; later ones accumulate (beta = 1)
                        MacroKernel(wide, mc, nc, kc, aBlock, bBlock, pc == 0 ? beta : 1f, c + (long)ic * ldc + jc, ldc);
                    }
                }
            }
        }
    }

    private static float[] Buffer(ref float[]? buffer, int length)
    {
        if (buffer == null || buffer.Length < length)
            buffer = GC.AllocateUninitializedArray<float>(length, pinned: true);
        return buffer;
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    // C(m × n) *= beta; beta == 0 writes zeros so that NaN/Inf already in C do not leak through.
    private static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        if (beta == 1) return;
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, n);
            if (beta == 0) row.Clear();
            else System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }

    // C block (mc × nc) = beta · C + A block · B block, one MR×NR tile at a time.
    private static void MacroKernel(bool wide, int mc, int nc, int kc, in PanelBlock aBlock, in PanelBlock bBlock,
        float beta, float* c, int ldc)
    {
        int mrFull = RowsOf(wide), nrFull = ColumnsOf(wide);
        float* scratch = stackalloc float[8 * 32]; // the larger tile
        for (int jr = 0; jr < nc; jr += nrFull)
        {
            int nr = Math.Min(nrFull, nc - jr);
            float* bPanel = bBlock.Panel(jr, out int bStep, out _);
            for (int ir = 0; ir < mc; ir += mrFull)
            {
                int mr = Math.Min(mrFull, mc - ir);
                float* cTile = c + (long)ir * ldc + jr;
                float* aPanel = aBlock.Panel(ir, out int aStep, out bool rows);
                if (rows) Tile(wide, kc, new RowTerms(aPanel, aStep), bPanel, bStep, beta, cTile, ldc, mr, nr, scratch);
                else Tile(wide, kc, new ConsecutiveTerms(aPanel, aStep), bPanel, bStep, beta, cTile, ldc, mr, nr, scratch);
            }
        }
    }

    // One tile of C (mr × nr valid of MR × NR); a partial tile is computed whole into scratch and only its valid part
    // is merged into C.
    private static void Tile<TA>(bool wide, int kc, TA a, float* b, int bStep, float beta, float* c, int ldc,
        int mr, int nr, float* scratch) where TA : struct, IATerms
    {
        int nrFull = ColumnsOf(wide);
        if (mr == RowsOf(wide) && nr == nrFull)
        {
            MicroKernel(wide, kc, a, b, bStep, beta, c, ldc);
            return;
        }
        MicroKernel(wide, kc, a, b, bStep, 0f, scratch, nrFull);
        MergeTile(scratch, nrFull, mr, nr, beta, c, ldc);
    }

    // c(mr × nr) = beta · c + tile, with the rounding of the full tiles' stores (so edges and slabs agree bitwise).
    private static void MergeTile(float* tile, int tileStride, int mr, int nr, float beta, float* c, int ldc)
    {
        for (int i = 0; i < mr; i++, c += ldc, tile += tileStride)
        {
            int j = 0;
            for (; j + 8 <= nr; j += 8)
            {
                var sum = Vector256.Load(tile + j);
                if (beta == 1) sum += Vector256.Load(c + j);
                else if (beta != 0) sum = MulAdd(Vector256.Create(beta), Vector256.Load(c + j), sum);
                Vector256.Store(sum, c + j);
            }
            for (; j < nr; j++)
                c[j] = beta == 0 ? tile[j] : ScalarMulAdd(beta, c[j], tile[j]);
        }
    }

    private static void MicroKernel<TA>(bool wide, int kc, TA a, float* b, int bStep, float beta, float* c, int ldc)
        where TA : struct, IATerms
    {
        if (wide) MicroKernel8x32(kc, a, b, bStep, beta, c, ldc);
        else MicroKernel6x16(kc, a, b, bStep, beta, c, ldc);
    }
}
