using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnNative.Kernels;

/// <summary>Adds the transpose of a <see cref="RowBuffer"/> into a dense matrix.</summary>
internal static class TransposedRows
{
    private const int Block = 16;   // 16×16 blocks: the block's source rows, its tile and its target rows stay in L1

    /// <summary>target (W, R) = beta·target + sourceᵀ, where source is (R, W) = (Rows, Width); beta 0 overwrites
    /// (whatever target held, NaN included).</summary>
    /// <remarks>Each block is transposed into a small tile (reading source rows, writing the tile down its columns),
    /// then added to the target a tile row at a time: both the strided side and the read-modify-write side stay
    /// in L1 and the target is written along its rows.</remarks>
    public static void AddTo(RowBuffer source, Span<float> target, float beta)
    {
        int rows = source.Rows, width = source.Width;
        RnnArgs.RequireLength(target.Length, rows * width, nameof(target), "(W, R)");
        Span<float> tile = stackalloc float[Block * Block];   // tile[c − c0, r − r0] = source[r, c]
        for (int r0 = 0; r0 < rows; r0 += Block)
            for (int c0 = 0; c0 < width; c0 += Block)
            {
                int r1 = Math.Min(rows, r0 + Block), c1 = Math.Min(width, c0 + Block), n = r1 - r0;
                for (int r = r0; r < r1; r++)
                {
                    ref float row = ref MemoryMarshal.GetReference(source.Row(r));   // Width ≥ c1 floats
                    ref float column = ref Unsafe.Add(ref MemoryMarshal.GetReference(tile), r - r0);
                    for (int c = c0; c < c1; c++)
                        Unsafe.Add(ref column, (c - c0) * Block) = Unsafe.Add(ref row, c);
                }
                for (int c = c0; c < c1; c++)
                {
                    var values = tile.Slice((c - c0) * Block, n);
                    var destination = target.Slice(c * rows + r0, n);
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
