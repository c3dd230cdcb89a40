using System.Runtime.CompilerServices;
using RnnNative.Blas;

namespace RnnNative.Kernels;

/// <summary>
/// A (rows, width) matrix of bfloat16 bits (<see cref="BFloat16"/>) whose rows start on 64-byte boundaries: the
/// bfloat16 shadow of a <see cref="RowBuffer"/>, a GEMM operand with leading dimension <see cref="Stride"/>.
/// </summary>
/// <remarks>The stride is the width rounded up to 32 elements (64 bytes), and 32 more when that is a multiple
/// of 256 bytes (as <see cref="RowBuffer"/>): threads writing rows of their own never share a cache line.</remarks>
internal sealed class Bf16RowBuffer
{
    private const int AlignElements = 32;   // 64 bytes
    private readonly ushort[] _array;
    private readonly int _offset;

    public Bf16RowBuffer(int rows, int width)
    {
        Rows = rows;
        Width = width;
        Stride = RowBuffer.StrideFor(width, sizeof(ushort));
        long length = (long)rows * Stride;
        if (length + AlignElements > Array.MaxLength)
            throw new ArgumentException($"{rows} rows of {width} bfloat16 values do not fit in one buffer.");
        _array = length == 0 ? [] : GC.AllocateArray<ushort>((int)length + AlignElements, pinned: true);
        _offset = length == 0 ? 0 : MemoryAddress.AlignedIndex(_array);
        Length = (int)length;
    }

    /// <summary>Elements this buffer's memory holds.</summary>
    public long Capacity => _array.LongLength;
    /// <summary>Rows.</summary>
    public int Rows { get; }
    /// <summary>Elements of a row in use.</summary>
    public int Width { get; }
    /// <summary>Elements from one row to the next (the leading dimension).</summary>
    public int Stride { get; }
    /// <summary>Rows × Stride.</summary>
    public int Length { get; }

    /// <summary>Row <paramref name="row"/>: <see cref="Width"/> elements.</summary>
    public Span<ushort> Row(int row) => _array.AsSpan(_offset + row * Stride, Width);

    /// <summary>From (row, column) to the end of the buffer: a GEMM operand with leading dimension <see cref="Stride"/>.</summary>
    public ReadOnlySpan<ushort> From(int row, int column = 0) =>
        _array.AsSpan(_offset + row * Stride + column, Length - row * Stride - column);

    /// <summary>Rounds the dense (rows, <see cref="Width"/>) matrix <paramref name="source"/> into this buffer's first rows.</summary>
    public void Round(ReadOnlySpan<float> source, int rows)
    {
        if (rows < 0 || rows > Rows || source.Length != rows * Width)
            throw new ArgumentException($"{source.Length} floats are not {rows} rows of {Width} (this buffer holds {Rows} rows).",
                nameof(source));
        for (int row = 0; row < rows; row++)
            BFloat16.FromFloats(source.Slice(row * Width, Width), Row(row));
    }

    /// <summary>Rounds columns [column, column + width) of rows [row0, row1) of <paramref name="source"/> into the same place here.</summary>
    /// <remarks>The block is checked once, then converted row by row without a call per row: a step rounds
    /// hundreds of rows a few vectors wide each.</remarks>
    public void Round(RowBuffer source, int row0, int row1, int column, int width)
    {
        if (row0 < 0 || row1 > Math.Min(Rows, source.Rows) || column < 0 || width < 0
            || column + width > Math.Min(Width, source.Width))
            throw new ArgumentOutOfRangeException(nameof(row0),
                $"Rows [{row0}, {row1}) columns [{column}, {column + width}) are not inside both a ({source.Rows}, {source.Width}) " +
                $"float buffer and this ({Rows}, {Width}) bfloat16 buffer.");
        if (row1 <= row0 || width == 0)
            return;
        ref float from = ref source.Row(row0)[column];
        ref ushort to = ref _array[_offset + row0 * Stride + column];
        for (int row = 0; row < row1 - row0; row++)
            BFloat16.FromFloatsDisjoint(ref Unsafe.Add(ref from, row * source.Stride), ref Unsafe.Add(ref to, row * Stride), width);
    }
}
