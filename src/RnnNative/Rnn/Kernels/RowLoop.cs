using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnNative.Rnn.Kernels;

/// <summary>Eight consecutive floats of a row: a whole vector, or the 1..7 floats left at the row's end.</summary>
/// <remarks>A fused kernel is written once, for a chunk; the whole-vector and tail instantiations share it,
/// so the tail computes exactly what the vector lanes compute.</remarks>
internal interface IChunk
{
    Vector256<float> Load(ref float row, int column);
    void Store(ref float row, int column, Vector256<float> value);
}

internal readonly struct WholeChunk : IChunk
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Load(ref float row, int column) => Vector256.LoadUnsafe(ref row, (nuint)column);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float row, int column, Vector256<float> value) => value.StoreUnsafe(ref row, (nuint)column);
}

/// <summary>The last <c>count</c> (1..7) floats of a row; missing lanes load as 0 and are never stored.</summary>
/// <remarks>AVX masked moves (vmaskmovps) where available, otherwise a copy through the stack.</remarks>
internal readonly struct TailChunk : IChunk
{
    private readonly Vector256<float> mask;   // all-ones in the first `count` lanes
    private readonly int count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TailChunk(int count)
    {
        this.count = count;
        mask = Vector256.LessThan(Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7), Vector256.Create((float)count));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe Vector256<float> Load(ref float row, int column)
    {
        if (Avx.IsSupported)
            fixed (float* address = &Unsafe.Add(ref row, column))   // a pinned local: no GC handle
                return Avx.MaskLoad(address, mask);
        var value = Vector256<float>.Zero;
        Unsafe.CopyBlockUnaligned(ref Unsafe.As<Vector256<float>, byte>(ref value),
            ref Unsafe.As<float, byte>(ref Unsafe.Add(ref row, column)), (uint)count * sizeof(float));
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Store(ref float row, int column, Vector256<float> value)
    {
        if (Avx.IsSupported)
            fixed (float* address = &Unsafe.Add(ref row, column))
                Avx.MaskStore(address, mask, value);
        else
            Unsafe.CopyBlockUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref row, column)),
                ref Unsafe.As<Vector256<float>, byte>(ref value), (uint)count * sizeof(float));
    }
}

/// <summary>A fused elementwise pass over one row of H columns, processed one chunk at a time.</summary>
internal interface IRowKernel
{
    void Chunk<TChunk>(TChunk chunk, int column) where TChunk : struct, IChunk;
}

internal static class RowLoop
{
    /// <summary>Runs <paramref name="kernel"/> over columns [0, width): whole vectors, then one tail chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TKernel>(ref TKernel kernel, int width) where TKernel : struct, IRowKernel, allows ref struct
    {
        int column = 0;
        for (; column <= width - Vector256<float>.Count; column += Vector256<float>.Count)
            kernel.Chunk(new WholeChunk(), column);
        if (column < width)
            kernel.Chunk(new TailChunk(width - column), column);
    }

    /// <summary>A reference to the first element of a row that must hold at least <paramref name="width"/> floats.</summary>
    /// <remarks>The row kernels index through unchecked refs, so every row is length-checked once here.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float Ref(ReadOnlySpan<float> row, int width)
    {
        if (row.Length < width)
            ThrowShortRow(row.Length, width);
        return ref MemoryMarshal.GetReference(row);
    }

    private static void ThrowShortRow(int length, int width) =>
        throw new ArgumentException($"A row of {length} floats was given where {width} are needed.");
}
