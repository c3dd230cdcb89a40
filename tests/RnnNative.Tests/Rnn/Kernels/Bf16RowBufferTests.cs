using RnnNative.Kernels;

namespace RnnNative.Tests.RnnKernels;

/// <summary>Rounding a block of a float <see cref="RowBuffer"/> into its bfloat16 shadow: the defined bits in the block,
/// nothing outside it, and a clear error for a block outside either buffer.</summary>
public class Bf16RowBufferTests
{
    [Theory]
    [InlineData(0, 5, 0, 178)]     // whole rows
    [InlineData(1, 4, 28, 150)]    // h_{t-1}: the columns after x_t
    [InlineData(2, 3, 0, 28)]      // x_t
    [InlineData(0, 5, 3, 13)]      // narrower than one 512-bit vector
    [InlineData(0, 5, 5, 17)]      // one vector and one lane
    [InlineData(3, 3, 0, 178)]     // no rows
    [InlineData(0, 5, 7, 0)]       // no columns
    public void RoundWritesTheDefinedBitsInTheBlockAndNothingElse(int row0, int row1, int column, int width)
    {
        const int rows = 5, columns = 178;
        var random = new Random(row0 * 1000 + column * 10 + width);
        var source = new RowBuffer(rows, columns);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                source.Row(r)[c] = (float)(random.NextDouble() * 4 - 2) * MathF.Pow(2, random.Next(-20, 20));
        var bits = new Bf16RowBuffer(rows, columns);
        for (int r = 0; r < rows; r++)
            bits.Row(r).Fill(0xABCD);

        bits.Round(source, row0, row1, column, width);

        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                bool inside = r >= row0 && r < row1 && c >= column && c < column + width;
                Assert.Equal(inside ? BFloat16.FromFloat(source.Row(r)[c]) : (ushort)0xABCD, bits.Row(r)[c]);
            }
    }

    [Theory]
    [InlineData(-1, 2, 0, 4)]
    [InlineData(0, 6, 0, 4)]
    [InlineData(0, 2, 10, 9)]
    [InlineData(0, 2, -1, 4)]
    public void ABlockOutsideEitherBufferIsRejected(int row0, int row1, int column, int width)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Bf16RowBuffer(5, 18).Round(new RowBuffer(5, 18), row0, row1, column, width));
        Assert.Contains("not inside", e.Message);
    }
}
