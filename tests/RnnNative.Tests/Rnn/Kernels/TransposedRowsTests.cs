using RnnNative.Kernels;

namespace RnnNative.Tests.RnnKernels;

/// <summary>target = beta·target + sourceᵀ against the definition, across whole and partial 16×16 blocks.</summary>
public class TransposedRowsTests
{
    [Theory]
    [InlineData(150, 178, 1f)]
    [InlineData(150, 178, 0f)]
    [InlineData(16, 16, 1f)]
    [InlineData(1, 33, 1f)]
    [InlineData(17, 1, 0f)]
    [InlineData(0, 5, 1f)]
    public void AddToAddsTheTransposeOrOverwritesWithBetaZero(int rows, int width, float beta)
    {
        var random = new Random(rows * 7 + width);
        var source = new RowBuffer(rows, width);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < width; c++)
                source.Row(r)[c] = (float)random.NextDouble() - 0.5f;
        var target = Enumerable.Range(0, rows * width).Select(i => beta == 0 ? float.NaN : i * 0.25f).ToArray();
        var before = (float[])target.Clone();

        TransposedRows.AddTo(source, target, beta);

        for (int c = 0; c < width; c++)
            for (int r = 0; r < rows; r++)
            {
                float expected = beta == 0 ? source.Row(r)[c] : beta * before[c * rows + r] + source.Row(r)[c];
                Assert.Equal(expected, target[c * rows + r]);
            }
    }

    [Theory]
    [InlineData(150, 150, 160)]
    [InlineData(17, 33, 17)]
    [InlineData(5, 3, 8)]
    public void AStridedTargetGetsTheTransposeAndKeepsItsPadding(int rows, int width, int targetStride)
    {
        var random = new Random(rows + width);
        var source = Enumerable.Range(0, rows * width).Select(_ => (float)random.NextDouble()).ToArray();
        var target = Enumerable.Repeat(-7f, (width - 1) * targetStride + rows).ToArray();

        TransposedRows.AddTo(source, rows, width, width, target, targetStride, 0f);

        for (int c = 0; c < width; c++)
            for (int i = 0; i < targetStride && c * targetStride + i < target.Length; i++)
                Assert.Equal(i < rows ? source[i * width + c] : -7f, target[c * targetStride + i]);
        Assert.Throws<ArgumentException>(() => TransposedRows.AddTo(source, rows, width, width, target, rows - 1, 0f));
        Assert.Throws<ArgumentException>(() => TransposedRows.AddTo(source, rows, width, width, target.AsSpan(1), targetStride, 0f));
    }

    [Fact]
    public void AWrongSizedTargetOrAShortSourceIsRejected()
    {
        Assert.Throws<ArgumentException>(() => TransposedRows.AddTo(new RowBuffer(3, 4), new float[11], 1f));
        var e = Assert.Throws<ArgumentException>(() => TransposedRows.AddTo(new float[13], 3, 4, 5, new float[12], 0f));
        Assert.Contains("need 14", e.Message);
    }
}
