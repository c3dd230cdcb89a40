using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnNative.Blas;

/// <summary>The register-tile micro-kernels: c(MR × NR) = beta · c + a-panel(MR × kc) · b-panel(kc × NR).</summary>
/// <remarks>
/// Per k step p a panel holds MR terms of A (<see cref="IATerms"/>: packed, or read in place) and NR consecutive
/// floats of B (b[p · bStep + j]). Every
/// accumulator is its own FMA chain, so a tile of r chains hides the FMA latency when r ≥ latency × FMA units
/// (Zen 4/5, Ice Lake+: 4 × 2 = 8): 8×32 at 512 bits holds 16 chains in 16 of the 32 zmm registers (plus 2 for
/// the B row and 1 for the broadcast); 6×16 at 256 bits holds 12 chains in 12 of the 16 ymm registers.
/// beta == 0 never reads c (NaN/Inf already there do not leak through).
/// </remarks>
internal static unsafe partial class ManagedGemmKernel
{
    // c(8 × 32): one row of the tile is two Vector512 accumulators.
    internal static void MicroKernel8x32<TA>(int kc, TA a, float* b, int bStep, float beta, float* c, int ldc) where TA : struct, IATerms
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++, a.Next(), b += bStep)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> x = Vector512.Create(a.Term(0));
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a.Term(1));
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a.Term(2));
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a.Term(3));
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a.Term(4));
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a.Term(5));
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a.Term(6));
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a.Term(7));
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }
        StoreRow(c, beta, c00, c01); StoreRow(c + ldc, beta, c10, c11);
        StoreRow(c + 2L * ldc, beta, c20, c21); StoreRow(c + 3L * ldc, beta, c30, c31);
        StoreRow(c + 4L * ldc, beta, c40, c41); StoreRow(c + 5L * ldc, beta, c50, c51);
        StoreRow(c + 6L * ldc, beta, c60, c61); StoreRow(c + 7L * ldc, beta, c70, c71);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, float beta, Vector512<float> lo, Vector512<float> hi)
    {
        if (beta == 0) { }
        else if (beta == 1) { lo += Vector512.Load(c); hi += Vector512.Load(c + 16); }
        else
        {
            var scale = Vector512.Create(beta);
            lo = Vector512.FusedMultiplyAdd(scale, Vector512.Load(c), lo);
            hi = Vector512.FusedMultiplyAdd(scale, Vector512.Load(c + 16), hi);
        }
        Vector512.Store(lo, c);
        Vector512.Store(hi, c + 16);
    }

    // c(6 × 16): one row of the tile is two Vector256 accumulators.
    internal static void MicroKernel6x16<TA>(int kc, TA a, float* b, int bStep, float beta, float* c, int ldc) where TA : struct, IATerms
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a.Next(), b += bStep)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            Vector256<float> x = Vector256.Create(a.Term(0));
            c00 = MulAdd(x, b0, c00); c01 = MulAdd(x, b1, c01);
            x = Vector256.Create(a.Term(1));
            c10 = MulAdd(x, b0, c10); c11 = MulAdd(x, b1, c11);
            x = Vector256.Create(a.Term(2));
            c20 = MulAdd(x, b0, c20); c21 = MulAdd(x, b1, c21);
            x = Vector256.Create(a.Term(3));
            c30 = MulAdd(x, b0, c30); c31 = MulAdd(x, b1, c31);
            x = Vector256.Create(a.Term(4));
            c40 = MulAdd(x, b0, c40); c41 = MulAdd(x, b1, c41);
            x = Vector256.Create(a.Term(5));
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

    // Same rounding as MulAdd, so edge tiles and full tiles (and so 1 and 2 threads) give identical bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ScalarMulAdd(float x, float y, float acc) =>
        Fma.IsSupported ? MathF.FusedMultiplyAdd(x, y, acc) : x * y + acc;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MulAdd(Vector256<float> x, Vector256<float> y, Vector256<float> acc) =>
        Fma.IsSupported ? Fma.MultiplyAdd(x, y, acc) : x * y + acc;

    /// <summary>The MR terms A(i, p), i &lt; MR, of the current step p of an A panel.</summary>
    internal interface IATerms
    {
        float Term(int i);

        /// <summary>Moves to step p + 1.</summary>
        void Next();
    }

    /// <summary>Packed, or A stored (k × m) read in place: a step's terms are consecutive, steps <c>step</c> floats apart.</summary>
    internal struct ConsecutiveTerms(float* a, int step) : IATerms
    {
        private float* _a = a;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly float Term(int i) => _a[i];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Next() => _a += step;
    }

    /// <summary>A stored (m × k) read in place: term i of step p at a[i · lda + p].</summary>
    internal struct RowTerms(float* a, int lda) : IATerms
    {
        private float* _a = a;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly float Term(int i) => _a[(nint)i * lda];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Next() => _a++;
    }
}
