using RnnNative.Blas;

namespace RnnNative.Kernels;

/// <summary>
/// A (rows, width) float matrix whose rows start on 64-byte boundaries: the row stride is the width rounded up
/// to 16 floats (and 16 more when that is a multiple of 256 bytes), and the first row is aligned.
/// </summary>
/// <remarks>
/// The fused row passes load and store whole Vector256s along each row: with H = 150 (a 600-byte stride) most
/// rows start off a cache line and a third of those loads split two lines, so rows are padded to start on
/// 64-byte boundaries (the gain is in docs/performance.md).
/// Strides that are multiples of 256 bytes are avoided because GEMM panels with such leading dimensions
/// map onto few cache sets. The padding floats stay 0 and are never read.
/// </remarks>
internal sealed class RowBuffer
{
    private const int AlignFloats = 16;   // 64 bytes
    private readonly float[] _array;
    private readonly int _offset;

    /// <summary>An empty buffer (a cell without this state).</summary>
    public static readonly RowBuffer Empty = new(0, 0);

    public RowBuffer(int rows, int width)
    {
        Rows = rows;
        Width = width;
        Stride = StrideFor(width);
        long length = (long)rows * Stride;
        if (length + AlignFloats > Array.MaxLength)
            throw new ArgumentException($"{rows} rows of {width} floats do not fit in one buffer.");
        _array = length == 0 ? [] : GC.AllocateArray<float>((int)length + AlignFloats, pinned: true);
        _offset = length == 0 ? 0 : MemoryAddress.AlignedIndex(_array);
        Length = (int)length;
    }

    // A view of columns [column, column + width) of every row of another buffer.
    private RowBuffer(RowBuffer whole, int column, int width)
    {
        _array = whole._array;
        _offset = whole._offset + column;
        Rows = whole.Rows;
        Width = width;
        Stride = whole.Stride;
        Length = whole.Length - column;
    }

    /// <summary>
    /// Two (rows, ·) buffers side by side in one: each row holds <paramref name="leftWidth"/> floats of
    /// <paramref name="left"/> immediately followed by <paramref name="rightWidth"/> floats of <paramref name="right"/>,
    /// so the returned view is their concatenation [left | right], one GEMM operand of width leftWidth + rightWidth.
    /// </summary>
    /// <remarks>The right part starts on a 64-byte boundary (the left one is shifted right to end there): the row
    /// passes work on the right part. Layout of a row: [pad | left | right | pad].</remarks>
    public static RowBuffer SideBySide(int rows, int leftWidth, int rightWidth, out RowBuffer left, out RowBuffer right)
    {
        int rightStart = RoundUpToAlignment(leftWidth);
        var whole = new RowBuffer(rows, rightStart + rightWidth);
        left = new RowBuffer(whole, rightStart - leftWidth, leftWidth);
        right = new RowBuffer(whole, rightStart, rightWidth);
        return new RowBuffer(whole, rightStart - leftWidth, leftWidth + rightWidth);
    }

    /// <summary>Floats this buffer's memory holds (views report the whole buffer they belong to).</summary>
    public long Capacity => _array.LongLength;

    /// <summary>Rows.</summary>
    public int Rows { get; }
    /// <summary>Floats of a row in use.</summary>
    public int Width { get; }
    /// <summary>Floats from one row to the next (the leading dimension).</summary>
    public int Stride { get; }
    /// <summary>Rows × Stride.</summary>
    public int Length { get; }

    /// <summary>Floats from the start of a row to the start of the next (the last row: to the end of the memory): what
    /// a GEMM may write or read past <see cref="Width"/> as padding. <see cref="Stride"/> less a view's column offset.</summary>
    public int Room => Rows == 0 ? 0 : Length - (Rows - 1) * Stride;

    /// <summary>Row <paramref name="row"/>: <see cref="Width"/> floats.</summary>
    public Span<float> Row(int row) => _array.AsSpan(_offset + row * Stride, Width);

    /// <summary>From (row, column) to the end of the buffer: a GEMM operand with leading dimension <see cref="Stride"/>.</summary>
    public Span<float> From(int row, int column = 0) => _array.AsSpan(_offset + row * Stride + column, Length - row * Stride - column);

    /// <summary>The stride of rows of <paramref name="width"/> floats.</summary>
    public static int StrideFor(int width) => StrideFor(width, sizeof(float));

    /// <summary>
    /// The stride, in elements of <paramref name="elementBytes"/> bytes, of rows of <paramref name="width"/> elements:
    /// the width rounded up to 64 bytes, and 64 bytes more when that is a multiple of 256 bytes (the rule of the
    /// class remarks, for any element size).
    /// </summary>
    public static int StrideFor(int width, int elementBytes)
    {
        int perLine = MemoryAddress.LineBytes / elementBytes;
        int stride = (width + perLine - 1) / perLine * perLine;
        return stride % (4 * perLine) == 0 && stride > 0 ? stride + perLine : stride;
    }

    // Floats rounded up to a whole number of 64-byte blocks.
    private static int RoundUpToAlignment(int floats) => (floats + AlignFloats - 1) / AlignFloats * AlignFloats;
}
