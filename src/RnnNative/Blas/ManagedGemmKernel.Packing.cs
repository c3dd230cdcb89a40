using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnNative.Blas;

/// <summary>
/// Packing of A and B into the micro-kernel's panels. A contiguous source (A stored k × m, B stored k × n) is a
/// row copy per k; a strided one (A stored m × k, B stored n × k) goes through 8×8 AVX transposes where the panel
/// has whole blocks of 8, the rest element by element. A with alpha = 1 is mostly not copied at all: the
/// micro-kernel reads its panels in place. Every way produces the same floats.
/// </summary>
internal static unsafe partial class ManagedGemmKernel
{
    // A block (mc × kc) as mr-row panels, panel ir holding alpha · A(ic+ir+i, pc+p). With alpha = 1 the whole panels
    // are read in place (a partial last one is packed with zeros): A stored (m × k) row by row (RowTerms), A stored
    // (k × m) a step at a time (ConsecutiveTerms) unless lda is a multiple of 64, whose kc rows, lda · 4 bytes apart,
    // would share a few of L1's sets (4 KB period) and evict each other. Otherwise packed: ap[(ir/mr · kc + p) · mr + i].
    private static PanelBlock PackA(bool transA, float* a, int lda, int ic, int pc, int mc, int kc, float alpha, int mr, float* ap)
    {
        if (alpha == 1 && !transA)
            return InPlace(a + (long)ic * lda + pc, lda, mc, kc, mr, ap, rows: true);
        if (alpha == 1 && lda % 64 != 0)
            return InPlace(a + (long)pc * lda + ic, lda, mc, kc, mr, ap, rows: false);
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* panel = ap + (long)ir * kc;
            if (transA) // A stored (k × m): the panel's rows at step p are contiguous
                PackContiguous(a + (long)pc * lda + ic + ir, lda, kc, rows, mr, alpha, panel);
            else        // A stored (m × k): the panel's row i is contiguous along p
                PackStrided(a + (long)(ic + ir) * lda + pc, lda, kc, rows, mr, alpha, panel);
        }
        return new PanelBlock(null, 0, ap, mr, kc, mc, rows: false);
    }

    // B block (kc × nc) as nr-column panels, always packed: bp[(jr/nr · kc + p) · nr + j] = B(pc+p, jc+jr+j). A B
    // panel is reused by every A panel of the block, and read in place its kc rows, ldb apart, would share a few L1
    // sets whenever ldb is a multiple of 64; one copy is cheaper.
    private static PanelBlock PackB(bool transB, float* b, int ldb, int pc, int jc, int kc, int nc, int nr, float* bp)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* panel = bp + (long)jr * kc;
            if (transB) // B stored (n × k)
                PackStrided(b + (long)(jc + jr) * ldb + pc, ldb, kc, cols, nr, 1f, panel);
            else        // B stored (k × n)
                PackContiguous(b + (long)pc * ldb + jc + jr, ldb, kc, cols, nr, 1f, panel);
        }
        return new PanelBlock(null, 0, bp, nr, kc, nc, rows: false);
    }

    // A block of panels whose whole ones are read from the source, one panel `width` rows (rows: true) or `width`
    // columns of rows ld apart; a partial last panel is packed, zero-padded.
    private static PanelBlock InPlace(float* block, int ld, int used, int kc, int width, float* packed, bool rows)
    {
        int whole = used / width * width;
        if (whole < used && rows) PackStrided(block + (long)whole * ld, ld, kc, used - whole, width, 1f, packed);
        else if (whole < used) PackContiguous(block + whole, ld, kc, used - whole, width, 1f, packed);
        return new PanelBlock(block, ld, packed, width, kc, used, rows);
    }

    /// <summary>An operand block cut into panels of <c>width</c> floats per k (see PackA/PackB).</summary>
    private readonly struct PanelBlock(float* source, int ld, float* packed, int width, int kc, int used, bool rows)
    {
        /// <summary>The panel starting at row/column <paramref name="offset"/> of the block: its step per k, and whether
        /// it is read in place row by row (<see cref="RowTerms"/>, step = the rows' distance).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float* Panel(int offset, out int step, out bool byRows)
        {
            bool inPlace = source != null && offset + width <= used;
            byRows = inPlace && rows;
            step = inPlace ? ld : width;
            if (!inPlace) return source == null ? packed + (long)offset * kc : packed;
            return rows ? source + (long)offset * ld : source + offset;
        }
    }

    // dst[p · width + j] = scale · src[p · ld + j] for j < used, 0 for used ≤ j < width.
    private static void PackContiguous(float* src, int ld, int kc, int used, int width, float scale, float* dst)
    {
        for (int p = 0; p < kc; p++, src += ld, dst += width)
        {
            int j = 0;
            if (scale == 1)
                for (; j + 8 <= used; j += 8) Vector256.Store(Vector256.Load(src + j), dst + j);
            else
                for (; j + 8 <= used; j += 8) Vector256.Store(Vector256.Load(src + j) * scale, dst + j);
            for (; j < used; j++) dst[j] = scale * src[j];
            for (; j < width; j++) dst[j] = 0f;
        }
    }

    // dst[p · width + j] = scale · src[j · ld + p] for j < used, 0 for used ≤ j < width (a transposing copy).
    private static void PackStrided(float* src, int ld, int kc, int used, int width, float scale, float* dst)
    {
        int j0 = 0;
        if (Avx.IsSupported)
            for (; j0 + 8 <= used; j0 += 8)
            {
                int p = 0;
                for (; p + 8 <= kc; p += 8)
                    Transpose8x8(src + (long)j0 * ld + p, ld, scale, dst + (long)p * width + j0, width);
                for (; p < kc; p++)
                    for (int j = j0; j < j0 + 8; j++) dst[p * width + j] = scale * src[(long)j * ld + p];
            }
        for (int j = j0; j < width; j++)
        {
            float* column = dst + j;
            if (j >= used) { for (int p = 0; p < kc; p++) column[p * width] = 0f; continue; }
            float* row = src + (long)j * ld;
            for (int p = 0; p < kc; p++) column[p * width] = scale * row[p];
        }
    }

    // dst[q · dstStride + r] = scale · src[r · srcStride + q] for r, q < 8.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, int srcStride, float scale, float* dst, int dstStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + srcStride);
        Vector256<float> r2 = Avx.LoadVector256(src + 2L * srcStride), r3 = Avx.LoadVector256(src + 3L * srcStride);
        Vector256<float> r4 = Avx.LoadVector256(src + 4L * srcStride), r5 = Avx.LoadVector256(src + 5L * srcStride);
        Vector256<float> r6 = Avx.LoadVector256(src + 6L * srcStride), r7 = Avx.LoadVector256(src + 7L * srcStride);
        // pairs: t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], t1 the same for elements 2, 3 | 6, 7
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        // quads: s0 = element 0 of r0..r3 | element 4 of r0..r3, s1 elements 1 | 5, s2 2 | 6, s3 3 | 7
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        var factor = Vector256.Create(scale);
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20) * factor);
        Avx.Store(dst + dstStride, Avx.Permute2x128(s1, s5, 0x20) * factor);
        Avx.Store(dst + 2L * dstStride, Avx.Permute2x128(s2, s6, 0x20) * factor);
        Avx.Store(dst + 3L * dstStride, Avx.Permute2x128(s3, s7, 0x20) * factor);
        Avx.Store(dst + 4L * dstStride, Avx.Permute2x128(s0, s4, 0x31) * factor);
        Avx.Store(dst + 5L * dstStride, Avx.Permute2x128(s1, s5, 0x31) * factor);
        Avx.Store(dst + 6L * dstStride, Avx.Permute2x128(s2, s6, 0x31) * factor);
        Avx.Store(dst + 7L * dstStride, Avx.Permute2x128(s3, s7, 0x31) * factor);
    }
}
