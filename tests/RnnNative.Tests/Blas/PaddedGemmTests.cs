using RnnNative.Blas;

namespace RnnNative.Tests.Blas;

/// <summary>
/// <c>SgemmPadded</c> / <c>GemmBf16Padded</c>: the wanted columns are the unpadded product (against the double
/// reference on every backend; bit for bit on the managed backend and MKL, whose kernels sum each element in the
/// same order whatever n is — OpenBLAS's edge kernels do not), the extra columns are the product with B's zero
/// padding, and bad widths are refused before native code.
/// </summary>
[Collection(BlasCollection.Name)]
public sealed class PaddedGemmTests
{
    public static TheoryData<BlasKind> Kinds() => new(BackendAvailability.TestableKinds);

    // The fused RNN's forward shape, small: C (m, n) in rows of `ldc`, B (k, padded) zero past n.
    private const int M = 7, N = 11, Padded = 16, K = 13, Ldc = 16;

    [Theory, MemberData(nameof(Kinds))]
    public void SgemmPaddedWritesTheSameWantedColumnsAsSgemm(BlasKind kind)
    {
        var (a, b, bPadded) = Operands(seed: 3);
        using var blas = BlasBackend.Create(kind);
        float[] plain = Enumerable.Repeat(float.NaN, M * Ldc).ToArray(), padded = (float[])plain.Clone();

        blas.Sgemm(false, false, M, N, K, 1f, a, K, b, N, 0f, plain, Ldc);
        blas.SgemmPadded(false, false, M, Padded, N, K, 1f, a, K, bPadded, Padded, 0f, padded, Ldc);

        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double exact = 0, scale = 0;
                for (int p = 0; p < K; p++)
                {
                    exact += (double)a[i * K + p] * b[p * N + j];
                    scale += Math.Abs((double)a[i * K + p] * b[p * N + j]);
                }
                Assert.True(Math.Abs(padded[i * Ldc + j] - exact) <= K * 6e-8 * scale, $"{kind}: ({i}, {j}) = {padded[i * Ldc + j]}, exact {exact}.");
            }
            if (kind != BlasKind.OpenBlas)
                Assert.True(plain.AsSpan(i * Ldc, N).SequenceEqual(padded.AsSpan(i * Ldc, N)), $"{kind}: row {i} differs from Sgemm's.");
            for (int j = N; j < Padded; j++)
                Assert.Equal(0f, padded[i * Ldc + j]);   // B is zero there
        }
    }

    [Theory, MemberData(nameof(Kinds))]
    public void GemmBf16PaddedWritesTheSameWantedColumnsAsGemmBf16(BlasKind kind)
    {
        using var blas = BlasBackend.Create(kind);
        if (!blas.SupportsBf16Gemm(out _)) return;   // refused as GemmBf16 is: Bf16GemmTests
        var (a, b, bPadded) = Operands(seed: 4);
        ushort[] a16 = Bits(a), b16 = Bits(b), bPadded16 = Bits(bPadded);
        float[] plain = new float[M * Ldc], padded = new float[M * Ldc];

        blas.GemmBf16(false, false, M, N, K, 1f, a16, K, b16, N, 0f, plain, Ldc);
        blas.GemmBf16Padded(false, false, M, Padded, N, K, 1f, a16, K, bPadded16, Padded, 0f, padded, Ldc);

        for (int i = 0; i < M; i++)
            Assert.True(plain.AsSpan(i * Ldc, N).SequenceEqual(padded.AsSpan(i * Ldc, N)), $"{kind}: row {i} differs.");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(Padded + 1)]
    public void AWantedWidthOutsideTheComputedOneIsRefused(int usedColumns)
    {
        using var managed = BlasBackend.Create(BlasKind.Managed);
        var (a, _, bPadded) = Operands(seed: 5);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            managed.SgemmPadded(false, false, M, Padded, usedColumns, K, 1f, a, K, bPadded, Padded, 0f, new float[M * Ldc], Ldc));
        Assert.Contains("wanted columns", e.Message);
    }

    [Fact]
    public void APaddedWidthPastCsRowsIsRefusedBeforeNativeCode()
    {
        using var managed = BlasBackend.Create(BlasKind.Managed);
        var (a, _, bPadded) = Operands(seed: 6);
        // ldc = 12 < 16 computed columns: the padding would run into the next row
        Assert.Throws<ArgumentException>(() =>
            managed.SgemmPadded(false, false, M, Padded, N, K, 1f, a, K, bPadded, Padded, 0f, new float[M * 12], 12));
    }

    private static (float[] A, float[] B, float[] BPadded) Operands(int seed)
    {
        var random = new Random(seed);
        float[] a = Enumerable.Range(0, M * K).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] b = Enumerable.Range(0, K * N).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var bPadded = new float[K * Padded];
        for (int r = 0; r < K; r++)
            b.AsSpan(r * N, N).CopyTo(bPadded.AsSpan(r * Padded));
        return (a, b, bPadded);
    }

    private static ushort[] Bits(float[] values)
    {
        var bits = new ushort[values.Length];
        BFloat16.FromFloats(values, bits);
        return bits;
    }
}
