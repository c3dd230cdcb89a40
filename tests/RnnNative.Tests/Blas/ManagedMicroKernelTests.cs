using System.Runtime.Intrinsics;
using RnnNative.Blas;

namespace RnnNative.Tests.Blas;

/// <summary>
/// The managed GEMM's micro-kernels, 8×32 at 512 bits and 6×16 at 256 bits: each equals a naive double-precision
/// tile within float rounding at every depth 0..257 and for beta 0, 1 and another value, and leaves the columns past
/// its tile untouched; Vector512 runs in software where the CPU lacks it, so the 512-bit kernel is tested everywhere.
/// </summary>
public unsafe class ManagedMicroKernelTests
{
    [Fact]
    public void MicroKernelUsesVector512ExactlyWhenAccelerated()
    {
        bool accelerated = Vector512.IsHardwareAccelerated;
        Assert.Equal(accelerated, ManagedGemmKernel.UsesWideTile);
        Assert.Equal(accelerated ? 512 : 256, ManagedGemmKernel.VectorBits);
        Assert.Equal(accelerated ? (8, 32) : (6, 16), (ManagedGemmKernel.MR, ManagedGemmKernel.NR));
    }

    [Theory]
    [InlineData(true, 0f)]
    [InlineData(true, 1f)]
    [InlineData(true, -0.75f)]
    [InlineData(false, 0f)]
    [InlineData(false, 1f)]
    [InlineData(false, -0.75f)]
    public void MicroKernelMatchesTheNaiveTile(bool wide, float beta)
    {
        int mr = ManagedGemmKernel.RowsOf(wide), nr = ManagedGemmKernel.ColumnsOf(wide);
        int ldc = nr + 3; // a row stride wider than the tile: the columns past nr must stay untouched
        var random = new Random(31);
        for (int kc = 0; kc <= 257; kc++)
        {
            float[] a = Rand(random, mr * kc), b = Rand(random, kc * nr), c0 = Rand(random, mr * ldc);
            float[] c = (float[])c0.Clone();
            fixed (float* pa = a, pb = b, pc = c)
            {
                if (wide) ManagedGemmKernel.MicroKernel8x32(kc, new ManagedGemmKernel.ConsecutiveTerms(pa, mr), pb, nr, beta, pc, ldc);
                else ManagedGemmKernel.MicroKernel6x16(kc, new ManagedGemmKernel.ConsecutiveTerms(pa, mr), pb, nr, beta, pc, ldc);
            }
            for (int i = 0; i < mr; i++)
                for (int j = 0; j < ldc; j++)
                {
                    if (j >= nr) { Assert.Equal(c0[i * ldc + j], c[i * ldc + j]); continue; }
                    double sum = 0, magnitude = Math.Abs(beta * c0[i * ldc + j]);
                    for (int p = 0; p < kc; p++)
                    {
                        double term = (double)a[p * mr + i] * b[p * nr + j];
                        sum += term;
                        magnitude += Math.Abs(term);
                    }
                    double expected = (beta == 0 ? 0 : beta * (double)c0[i * ldc + j]) + sum;
                    Assert.True(Math.Abs(c[i * ldc + j] - expected) <= 1e-6 * (magnitude + 1), $"{mr}x{nr} kc={kc} [{i},{j}]");
                }
        }
    }

    private static float[] Rand(Random r, int n) => Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
}
