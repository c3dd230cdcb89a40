using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnNative.Blas;

/// <summary>
/// Single-threaded, cache-blocked SGEMM in the style of BLIS/GotoBLAS: B is packed into (KC × 16) panels,
/// A (scaled by alpha) into (6 × KC) panels, and a 6×16 register-tile micro-kernel (6 Vector512 accumulators
/// where Vector512 is accelerated, else 12 Vector256, FMA) sweeps them; a C element sums its k terms in the same
/// order with the same FMA at either width, so both give identical bits. Packing absorbs the transposes and leading dimensions; partial tiles are zero-padded.
/// </summary>
/// <remarks>
/// Loops (jc, pc, ic, jr, ir) over C(m × n) = beta · C + alpha · A(m × k) · B(k × n), beta applied by the first
/// k-block's micro-kernel stores (no separate pass over C):
/// a (KC × NC) block of B stays in L3, a (MC × KC) block of A in L2, one (KC × 16) panel of B in L1.
/// </remarks>
internal static unsafe class ManagedGemmKernel
{
    public const int MR = 6, NR = 16, KC = 256, MC = 144, NC = 4080;

    // Packing buffers, one pair per thread, grown on demand and kept (zero allocation in steady state).
    [ThreadStatic] private static float[]? _packedA;
    [ThreadStatic] private static float[]? _packedB;

    /// <summary>C = alpha·op(A)·op(B) + beta·C on already validated pointers (row-major).</summary>
    public static void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (alpha == 0) { ScaleC(m, n, beta, c, ldc); return; }
        float[] packedA = Buffer(ref _packedA, MC * KC);
        float[] packedB = Buffer(ref _packedB, KC * RoundUp(Math.Min(n, NC), NR));
        fixed (float* ap = packedA)
        fixed (float* bp = packedB)
        {
            for (int jc = 0; jc < n; jc += NC)
            {
                int nc = Math.Min(NC, n - jc);
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    PackB(transB, b, ldb, pc, jc, kc, nc, bp);
                    for (int ic = 0; ic < m; ic += MC)
                    {
                        int mc = Math.Min(MC, m - ic);
                        PackA(transA, a, lda, ic, pc, mc, kc, alpha, ap);
                        // the first k-block applies beta to C; later ones accumulate (beta = 1)
                        MacroKernel(mc, nc, kc, ap, bp, pc == 0 ? beta : 1f, c + (long)ic * ldc + jc, ldc);
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

    // packed B: for each 16-column panel jr, kc rows of 16 floats: bp[(jr/16 · kc + p) · 16 + j] = B(pc+p, jc+jr+j)
    private static void PackB(bool transB, float* b, int ldb, int pc, int jc, int kc, int nc, float* bp)
    {
        for (int jr = 0; jr < nc; jr += NR, bp += kc * NR)
        {
            int nr = Math.Min(NR, nc - jr);
            if (!transB && nr == NR)
            {
                float* src = b + (long)pc * ldb + jc + jr; // B stored (k × n)
                for (int p = 0; p < kc; p++, src += ldb)
                {
                    Vector256.Store(Vector256.Load(src), bp + p * NR);
                    Vector256.Store(Vector256.Load(src + 8), bp + p * NR + 8);
                }
                continue;
            }
            for (int p = 0; p < kc; p++)
                for (int j = 0; j < NR; j++)
                    bp[p * NR + j] = j >= nr ? 0f
                        : transB ? b[(long)(jc + jr + j) * ldb + pc + p]   // B stored (n × k)
                                 : b[(long)(pc + p) * ldb + jc + jr + j];
        }
    }

    // packed A: for each 6-row panel ir, kc columns of 6 floats: ap[(ir/6 · kc + p) · 6 + i] = alpha · A(ic+ir+i, pc+p)
    private static void PackA(bool transA, float* a, int lda, int ic, int pc, int mc, int kc, float alpha, float* ap)
    {
        for (int ir = 0; ir < mc; ir += MR, ap += kc * MR)
        {
            int mr = Math.Min(MR, mc - ir);
            for (int i = 0; i < MR; i++)
            {
                if (i >= mr) { for (int p = 0; p < kc; p++) ap[p * MR + i] = 0f; continue; }
                int row = ic + ir + i;
                if (transA) // A stored (k × m)
                    for (int p = 0; p < kc; p++) ap[p * MR + i] = alpha * a[(long)(pc + p) * lda + row];
                else
                    for (int p = 0; p < kc; p++) ap[p * MR + i] = alpha * a[(long)row * lda + pc + p];
            }
        }
    }

    // C block (mc × nc) = beta · C + packed A block · packed B block, one 6×16 tile at a time.
    private static void MacroKernel(int mc, int nc, int kc, float* ap, float* bp, float beta, float* c, int ldc)
    {
        float* tile = stackalloc float[MR * NR];
        for (int jr = 0; jr < nc; jr += NR)
        {
            int nr = Math.Min(NR, nc - jr);
            float* bPanel = bp + (long)jr * kc;
            for (int ir = 0; ir < mc; ir += MR)
            {
                int mr = Math.Min(MR, mc - ir);
                float* cTile = c + (long)ir * ldc + jr;
                if (mr == MR && nr == NR)
                {
                    MicroKernel(kc, ap + (long)ir * kc, bPanel, beta, cTile, ldc);
                    continue;
                }
                MicroKernel(kc, ap + (long)ir * kc, bPanel, 0f, tile, NR);
                for (int i = 0; i < mr; i++)
                    for (int j = 0; j < nr; j++)
                    {
                        ref float cij = ref cTile[(long)i * ldc + j];
                        cij = beta == 0 ? tile[i * NR + j] : ScalarMulAdd(beta, cij, tile[i * NR + j]);
                    }
            }
        }
    }

    /// <summary>The micro-kernel's vector width: 512 exactly when Vector512 is accelerated.</summary>
    public static int VectorBits => Vector512.IsHardwareAccelerated ? 512 : 256;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernel(int kc, float* a, float* b, float beta, float* c, int ldc)
    {
        if (Vector512.IsHardwareAccelerated)
            MicroKernel512(kc, a, b, beta, c, ldc);
        else
            MicroKernel256(kc, a, b, beta, c, ldc);
    }

    // c(6 × 16) = beta · c + a-panel(6 × kc) · b-panel(kc × 16); one row of the tile is one Vector512 accumulator.
    // beta == 0 never reads c (NaN/Inf already there do not leak through).
    internal static void MicroKernel512(int kc, float* a, float* b, float beta, float* c, int ldc)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        for (int p = 0; p < kc; p++, a += MR, b += NR)
        {
            Vector512<float> row = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), row, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[1]), row, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[2]), row, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[3]), row, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[4]), row, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[5]), row, c5);
        }
        StoreRow(c, beta, c0); StoreRow(c + ldc, beta, c1); StoreRow(c + 2L * ldc, beta, c2);
        StoreRow(c + 3L * ldc, beta, c3); StoreRow(c + 4L * ldc, beta, c4); StoreRow(c + 5L * ldc, beta, c5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, float beta, Vector512<float> row)
    {
        if (beta == 0) { }
        else if (beta == 1) row += Vector512.Load(c);
        else row = Vector512.FusedMultiplyAdd(Vector512.Create(beta), Vector512.Load(c), row);
        Vector512.Store(row, c);
    }

    // The same tile with 12 Vector256 accumulators (two per row).
    internal static void MicroKernel256(int kc, float* a, float* b, float beta, float* c, int ldc)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += MR, b += NR)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            Vector256<float> x = Broadcast(a);
            c00 = MulAdd(x, b0, c00); c01 = MulAdd(x, b1, c01);
            x = Broadcast(a + 1);
            c10 = MulAdd(x, b0, c10); c11 = MulAdd(x, b1, c11);
            x = Broadcast(a + 2);
            c20 = MulAdd(x, b0, c20); c21 = MulAdd(x, b1, c21);
            x = Broadcast(a + 3);
            c30 = MulAdd(x, b0, c30); c31 = MulAdd(x, b1, c31);
            x = Broadcast(a + 4);
            c40 = MulAdd(x, b0, c40); c41 = MulAdd(x, b1, c41);
            x = Broadcast(a + 5);
            c50 = MulAdd(x, b0, c50); c51 = MulAdd(x, b1, c51);
        }
        StoreRow(c, beta, c00, c01); StoreRow(c + ldc, beta, c10, c11); StoreRow(c + 2L * ldc, beta, c20, c21);
        StoreRow(c + 3L * ldc, beta, c30, c31); StoreRow(c + 4L * ldc, beta, c40, c41); StoreRow(c + 5L * ldc, beta, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, float beta, Vector256<float> lo, Vector256<float> hi)
    {
        if (beta == 0) { }
        else if (beta == 1) { lo += Vector256.Load(c); hi += Vector256.Load(c + 8); }
        else { lo = MulAdd(Vector256.Create(beta), Vector256.Load(c), lo); hi = MulAdd(Vector256.Create(beta), Vector256.Load(c + 8), hi); }
        Vector256.Store(lo, c);
        Vector256.Store(hi, c + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Broadcast(float* x) =>
        Avx.IsSupported ? Avx.BroadcastScalarToVector256(x) : Vector256.Create(*x);

    // Same rounding as MulAdd, so edge tiles and full tiles (and so 1 and 2 threads) give identical bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ScalarMulAdd(float x, float y, float acc) =>
        Fma.IsSupported ? MathF.FusedMultiplyAdd(x, y, acc) : x * y + acc;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MulAdd(Vector256<float> x, Vector256<float> y, Vector256<float> acc) =>
        Fma.IsSupported ? Fma.MultiplyAdd(x, y, acc) : x * y + acc;
}
