using System.Runtime.Intrinsics.X86;
using RnnNative.Blas;

namespace RnnNative.Tests.Blas;

/// <summary>
/// The managed GEMM kernel with each tile (8×32 Vector512, 6×16 Vector256) against the naive double-precision
/// reference at every edge size: m, n and k from 0 to 40 and past the tile and cache blocks, all transposes,
/// leading dimensions wider than their rows, several alpha and beta, beta = 0 over NaN. With FMA the two tiles
/// give identical bits (each C element sums the same terms in the same order with the same FMA).
/// </summary>
public unsafe class ManagedGemmKernelTests
{
    private static readonly float[] Alphas = [0.75f, 1f, -1.25f];
    private static readonly float[] Betas = [0f, 1f, -0.5f];

    public static TheoryData<bool, bool, bool> TilesAndTransposes()
    {
        var data = new TheoryData<bool, bool, bool>();
        foreach (bool wide in new[] { true, false })
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    data.Add(wide, transA, transB);
        return data;
    }

    [Theory, MemberData(nameof(TilesAndTransposes))]
    public void EveryEdgeSizeMatchesTheReference(bool wide, bool transA, bool transB)
    {
        for (int m = 0; m <= 40; m++)
            for (int n = 0; n <= 40; n++)
            {
                int k = (3 * m + 5 * n) % 41, variant = m + n;
                var problem = GemmProblem.Random(transA, transB, m, n, k, seed: m * 41 + n,
                    alpha: Alphas[variant % 3], beta: Betas[variant / 3 % 3], pad: 1 + variant % 3);
                Check(problem, wide);
            }
    }

    [Theory, MemberData(nameof(TilesAndTransposes))]
    public void EveryDepthMatchesTheReference(bool wide, bool transA, bool transB)
    {
        int[] depths = [.. Enumerable.Range(0, 41), 63, 64, 65, 255, 256, 257, 513];
        foreach (int k in depths)
            foreach (var (m, n) in new[] { (8, 32), (13, 37), (6, 16) })
                Check(GemmProblem.Random(transA, transB, m, n, k, seed: k, alpha: Alphas[k % 3], beta: Betas[k % 3]), wide);
    }

    [Theory, MemberData(nameof(TilesAndTransposes))]
    public void CacheBlockEdgesMatchTheReference(bool wide, bool transA, bool transB)
    {
        // one past MC rows, one past KC terms, two row blocks plus a partial one; one past NC columns; alpha = 1 reads
        // A in place, other alphas pack it; a leading dimension that is a multiple of 64 packs A stored (k × m)
        foreach (var (m, n, k) in new[] { (145, 33, 257), (289, 70, 300), (3, ManagedGemmKernel.NC + 1, 5), (64 - 3, 9, 70) })
            foreach (float alpha in new[] { 1f, 0.75f })
                Check(GemmProblem.Random(transA, transB, m, n, k, seed: m + n + k, alpha: alpha), wide);
    }

    [Theory, MemberData(nameof(TilesAndTransposes))]
    public void BetaZeroOverwritesNaNInC(bool wide, bool transA, bool transB)
    {
        foreach (var (m, n, k) in new[] { (37, 21, 19), (8, 32, 5), (9, 33, 300) })
        {
            var problem = GemmProblem.Random(transA, transB, m, n, k, seed: 5, alpha: 1.5f, beta: 0f);
            for (int i = 0; i < m; i++) Array.Fill(problem.C0, float.NaN, i * problem.Ldc, n);
            Check(problem, wide);
        }
    }

    [FmaTheory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void BothTilesGiveIdenticalBits(bool transA, bool transB)
    {
        foreach (var (m, n, k) in new[] { (150, 150, 178), (178, 150, 300), (37, 41, 19), (1, 1, 1) })
        {
            var problem = GemmProblem.Random(transA, transB, m, n, k, seed: 7 * m + k);
            Assert.Equal(Run(problem, wide: false), Run(problem, wide: true));
        }
    }

    private static void Check(GemmProblem problem, bool wide) =>
        problem.AssertMatchesReference(Run(problem, wide), $"{(wide ? "8x32" : "6x16")} {problem}");

    private static float[] Run(GemmProblem p, bool wide)
    {
        float[] c = (float[])p.C0.Clone();
        fixed (float* a = p.A, b = p.B, pc = c)
            ManagedGemmKernel.Gemm(wide, p.TransA, p.TransB, p.M, p.N, p.K, p.Alpha, a, p.Lda, b, p.Ldb, p.Beta, pc, p.Ldc);
        return c;
    }
}

/// <summary>A theory skipped (saying why) on a CPU without FMA, where the 256-bit tile multiplies and adds separately.</summary>
public sealed class FmaTheoryAttribute : TheoryAttribute
{
    public FmaTheoryAttribute() => Skip = Fma.IsSupported ? null : "no FMA: the 256-bit tile multiplies and adds separately";
}
