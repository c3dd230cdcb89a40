using System.Runtime.Intrinsics;
using RnnNative.Blas;

namespace RnnNative.Tests.Blas;

/// <summary>
/// The managed GEMM's 6×16 micro-kernel at 512 and 256 bits: both equal a naive double-precision tile within
/// float rounding at every depth 0..257 and for beta 0, 1 and another value, and (with FMA) equal each other bit for
/// bit; Vector512 runs in software where the CPU lacks it, so the 512-bit kernel is tested everywhere.
/// </summary>
public unsafe class ManagedMicroKernelTests
{
    private const int MR = ManagedGemmKernel.MR, NR = ManagedGemmKernel.NR;

    [Fact]
    public void MicroKernelUsesVector512ExactlyWhenAccelerated() =>
        Assert.Equal(Vector512.IsHardwareAccelerated ? 512 : 256, ManagedGemmKernel.VectorBits);

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    [InlineData(-0.75f)]
    public void BothWidthsMatchTheNaiveTileAndEachOther(float beta)
    {
        var random = new Random(31);
        const int ldc = NR + 3; // a row stride wider than the tile: the columns past 16 must stay untouched
        for (int kc = 0; kc <= 257; kc++)
        {
            float[] a = Rand(random, MR * kc), b = Rand(random, kc * NR), c0 = Rand(random, MR * ldc);
            float[] wide = (float[])c0.Clone(), narrow = (float[])c0.Clone();
            fixed (float* pa = a, pb = b, pw = wide, pn = narrow)
            {
                ManagedGemmKernel.MicroKernel512(kc, pa, pb, beta, pw, ldc);
                ManagedGemmKernel.MicroKernel256(kc, pa, pb, beta, pn, ldc);
            }
            for (int i = 0; i < MR; i++)
                for (int j = 0; j < ldc; j++)
                {
                    double expected = c0[i * ldc + j];
                    if (j < NR)
                    {
                        double sum = 0, magnitude = 0;
                        for (int p = 0; p < kc; p++) { sum += (double)a[p * MR + i] * b[p * NR + j]; magnitude += Math.Abs((double)a[p * MR + i] * b[p * NR + j]); }
                        expected = (beta == 0 ? 0 : beta * expected) + sum;
                        magnitude += Math.Abs(beta * c0[i * ldc + j]);
                        Assert.True(Math.Abs(wide[i * ldc + j] - expected) <= 1e-6 * (magnitude + 1), $"kc={kc} [{i},{j}] 512-bit");
                    }
                    else Assert.Equal((float)expected, wide[i * ldc + j]);
                }
            if (System.Runtime.Intrinsics.X86.Fma.IsSupported) Assert.Equal(narrow, wide);
        }
    }

    private static float[] Rand(Random r, int n) => Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
}
