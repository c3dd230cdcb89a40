using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnNative.Kernels;

namespace RnnNative.Tests.RnnKernels;

/// <summary>The row layout of the fused RNN's buffers: strides, 64-byte alignment, and side-by-side views.</summary>
public class RowBufferTests
{
    [Theory]
    [InlineData(1, 16)]
    [InlineData(16, 16)]
    [InlineData(17, 32)]
    [InlineData(150, 160)]
    [InlineData(64, 80)]     // 256 bytes: one more 16-float block, off the multiple of 256 bytes
    [InlineData(192, 208)]
    public void StrideIsTheWidthRoundedUpTo16FloatsAndNeverAMultipleOf256Bytes(int width, int stride)
    {
        Assert.Equal(stride, RowBuffer.StrideFor(width));
        Assert.Equal(stride, new RowBuffer(3, width).Stride);
    }

    [Theory]
    [InlineData(28, 150)]
    [InlineData(1, 7)]
    [InlineData(16, 16)]
    [InlineData(33, 257)]
    public void SideBySideRowsHoldLeftThenRightWithTheRightPartAligned(int leftWidth, int rightWidth)
    {
        const int rows = 5;
        var joined = RowBuffer.SideBySide(rows, leftWidth, rightWidth, out var left, out var right);
        Assert.Equal(leftWidth + rightWidth, joined.Width);
        Assert.All(new[] { left, right }, view => Assert.Equal(joined.Stride, view.Stride));
        for (int r = 0; r < rows; r++)
        {
            left.Row(r).Fill(r + 1);
            right.Row(r).Fill(-(r + 1));
            Assert.Equal(0, Address(right.Row(r)) % 64);
        }
        for (int r = 0; r < rows; r++)
        {
            var row = joined.Row(r);
            Assert.All(row[..leftWidth].ToArray(), v => Assert.Equal(r + 1, v));
            Assert.All(row[leftWidth..].ToArray(), v => Assert.Equal(-(r + 1), v));
            Assert.True(Unsafe.AreSame(ref joined.From(r)[0], ref left.Row(r)[0]), "the joined row starts with the left part");
        }
        // A GEMM operand from row 0 runs to the end of the buffer's last row (stride included) and no further.
        Assert.Equal(rows * joined.Stride - Pad(leftWidth), joined.From(0).Length);
        Assert.Equal(rows * joined.Stride - Pad(leftWidth) - leftWidth, right.From(0).Length);
    }

    // Floats before the left part in each row: the left part ends where the aligned right part starts.
    private static int Pad(int leftWidth) => (leftWidth + 15) / 16 * 16 - leftWidth;

    private static unsafe long Address(Span<float> row) => (long)Unsafe.AsPointer(ref MemoryMarshal.GetReference(row));
}
