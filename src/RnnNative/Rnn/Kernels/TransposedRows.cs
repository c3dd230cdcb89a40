using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnNative.Kernels;

/// <summary>Adds the transpose of a matrix (a <see cref="RowBuffer"/> or a strided span) into a dense matrix.</summary>
internal static class TransposedRows
{
    private const int Block = 16;   // 16×16 blocks: the block's source rows, its tile and its target rows stay in L1

    /// <summary>target (W, R) = beta·target + sourceᵀ, where source is (R, W) = (Rows, Width); beta 0 overwrites
    /// (whatever target held, NaN included).</summary>
    public static void AddTo(RowBuffer source, Span<float> target, float beta) =>
        AddTo(source.From(0), source.Rows, source.Width, source.Stride, target, beta);

    /// <summary>target (cols, rows) = beta·target + sourceᵀ, where source is (rows, cols) with rows
    /// <paramref name="stride"/> floats apart; beta 0 overwrites (whatever target held, NaN included).</summary>
    /// <remarks>Each block is transposed into a small tile (reading source rows, writing the tile down its columns),
    /// then added to the target a tile row at a time: both the strided side and the read-modify-write side stay
    /// in L1 and the target is written along its rows.</remarks>
    public static void AddTo(ReadOnlySpan<float> source, int rows, int cols, int stride, Span<float> target, float beta)
    {
        RnnArgs.RequireLength(target.Length, rows * cols, nameof(target), "(cols, rows)");
        AddTo(source, rows, cols, stride, target, rows, beta);
    }

    /// <summary>As above, into a target whose rows are <paramref name="targetStride"/> ≥ rows floats apart (the
    /// floats between its rows are left as they are).</summary>
    public static void AddTo(ReadOnlySpan<float> source, int rows, int cols, int stride, Span<float> target, int targetStride,
        float beta)
    {
        if (rows == 0 || cols == 0)
            return;
        if (targetStride < rows || target.Length < (long)(cols - 1) * targetStride + rows)
            throw new ArgumentException($"target has {target.Length} floats; {cols} rows of {rows} floats {targetStride} apart " +
                $"need {(long)(cols - 1) * targetStride + rows}.", nameof(target));
        if (source.Length < (rows - 1) * stride + cols)
            throw new ArgumentException($"source has {source.Length} floats; {rows} rows of {cols} floats {stride} apart " +
                $"need {(rows - 1) * stride + cols}.", nameof(source));
        Span<float> tile = stackalloc float[Block * Block];   // tile[c − c0, r − r0] = source[r, c]
        for (int r0 = 0; r0 < rows; r0 += Block)
            for (int c0 = 0; c0 < cols; c0 += Block)
            {
                int r1 = Math.Min(rows, r0 + Block), c1 = Math.Min(cols, c0 + Block), n = r1 - r0;
                for (int r = r0; r < r1; r++)
                {
                    ref float row = ref Unsafe.Add(ref MemoryMarshal.GetReference(source), r * stride);   // checked above
                    ref float column = ref Unsafe.Add(ref MemoryMarshal.GetReference(tile), r - r0);
                    for (int c = c0; c < c1; c++)
                        Unsafe.Add(ref column, (c - c0) * Block) = Unsafe.Add(ref row, c);
                }
                for (int c = c0; c < c1; c++)
                {
                    var values = tile.Slice((c - c0) * Block, n);
                    var destination = target.Slice(c * targetStride + r0, n);
                    if (beta == 0)
                        values.CopyTo(destination);
                    else if (n == Block && Vector512.IsHardwareAccelerated)
                        Vector512.FusedMultiplyAdd(Vector512.Create(beta), Vector512.Create<float>(destination), Vector512.Create<float>(values))
                            .CopyTo(destination);
                    else
                        for (int i = 0; i < n; i++)
                            destination[i] = beta * destination[i] + values[i];
                }
            }
    }
}
