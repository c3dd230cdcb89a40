using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnNative.Blas;

namespace RnnNative.Kernels;

/// <summary>Consecutive floats of a row: a whole vector of <typeparamref name="TV"/>, or the 1..7 floats left at the
/// row's end.</summary>
/// <remarks>A fused kernel is written once, for a chunk of any width; the 512-bit, 256-bit and tail instantiations
/// share it, so the tail computes exactly what the vector lanes compute.</remarks>
internal interface IChunk<TV> where TV : struct, IFloatVector<TV>
{
    TV Load(ref float row, int column);
    void Store(ref float row, int column, TV value);
    /// <summary>Stores the chunk's lanes rounded to bfloat16 (<see cref="BFloat16.FromFloat"/>).</summary>
    void StoreBf16(ref ushort row, int column, TV value);
}

internal readonly struct WholeChunk<TV> : IChunk<TV> where TV : struct, IFloatVector<TV>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Load(ref float row, int column) => TV.Load(ref row, (nuint)column);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float row, int column, TV value) => value.Store(ref row, (nuint)column);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreBf16(ref ushort row, int column, TV value) => value.StoreBf16(ref row, (nuint)column);
}

/// <summary>The last <c>count</c> (1..7) floats of a row; missing lanes load as 0 and are never stored.</summary>
/// <remarks>
/// Moved in 4-, 2- and 1-float pieces, never touching memory past the row (the next row may belong to
/// another thread). AVX's masked vmaskmovps would do the same in one instruction, but its store form is
/// microcoded on some CPUs (AMD Zen), where it made a row with a tail far slower than one without.
/// </remarks>
internal readonly struct TailChunk(int count) : IChunk<Float8>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Float8 Load(ref float row, int column)
    {
        ref float p = ref Unsafe.Add(ref row, column);
        if (count < 4)
            return new(Vector256.Create(LoadUpTo3(ref p, count), Vector128<float>.Zero));
        return new(Vector256.Create(Vector128.LoadUnsafe(ref p), LoadUpTo3(ref Unsafe.Add(ref p, 4), count - 4)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float row, int column, Float8 chunk)
    {
        var value = chunk.Value;
        ref float p = ref Unsafe.Add(ref row, column);
        if (count < 4)
        {
            StoreUpTo3(ref p, count, value.GetLower());
            return;
        }
        value.GetLower().StoreUnsafe(ref p);
        StoreUpTo3(ref Unsafe.Add(ref p, 4), count - 4, value.GetUpper());
    }

    public void StoreBf16(ref ushort row, int column, Float8 chunk)
    {
        var bits = BFloat16.FromFloats(chunk.Value);
        for (int i = 0; i < count; i++)
            Unsafe.Add(ref row, column + i) = bits.GetElement(i);
    }

    private static Vector128<float> LoadUpTo3(ref float p, int n) => n switch
    {
        0 => Vector128<float>.Zero,
        1 => Vector128.CreateScalar(p),
        2 => Vector128.CreateScalar(Unsafe.ReadUnaligned<double>(ref Unsafe.As<float, byte>(ref p))).AsSingle(),
        _ => Vector128.Create(p, Unsafe.Add(ref p, 1), Unsafe.Add(ref p, 2), 0f),
    };

    private static void StoreUpTo3(ref float p, int n, Vector128<float> value)
    {
        if (n >= 2)
        {
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref p), value.AsDouble().ToScalar());
            if (n == 3)
                Unsafe.Add(ref p, 2) = value.GetElement(2);
        }
        else if (n == 1)
            p = value.ToScalar();
    }
}

/// <summary>The last <c>count</c> (1..15) floats of a row in one 512-bit vector: AVX-512 masked moves
/// (<see cref="MaskedAccess"/>), missing lanes load as 0 and are never stored.</summary>
internal readonly struct MaskedChunk(Vector512<float> mask) : IChunk<Float16>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Float16 Load(ref float row, int column) => new(MaskedAccess.Load(ref Unsafe.Add(ref row, column), mask));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float row, int column, Float16 chunk) => MaskedAccess.Store(ref Unsafe.Add(ref row, column), mask, chunk.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreBf16(ref ushort row, int column, Float16 chunk) =>
        MaskedAccess.Store(ref Unsafe.Add(ref row, column), mask, BFloat16.FromFloats(chunk.Value));
}

/// <summary>A fused elementwise pass over one row of H columns, processed one chunk at a time.</summary>
internal interface IRowKernel
{
    /// <summary>Whether <see cref="RowLoop.Run512"/> ends a row with one masked chunk (AVX-512) rather than a 256-bit
    /// vector and a tail chunk. A kernel whose chunks the JIT compiles as calls (the GRU's, whose steps exceed its
    /// inlining budget) is faster with the 256-bit tail: its masked chunk is a call too, with the mask in memory.</summary>
    static virtual bool UsesMaskedTail => true;

    void Chunk<TChunk, TV>(TChunk chunk, int column) where TChunk : struct, IChunk<TV> where TV : struct, IFloatVector<TV>;
}

internal static class RowLoop
{
    /// <summary>The vector width <see cref="Run"/> uses: 512 exactly when <see cref="Vector512.IsHardwareAccelerated"/>.</summary>
    public static int VectorBits => Vector512.IsHardwareAccelerated ? 512 : 256;

    /// <summary>Runs <paramref name="kernel"/> over columns [0, width) with the widest vectors accelerated here.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TKernel>(ref TKernel kernel, int width) where TKernel : struct, IRowKernel, allows ref struct
    {
        if (Vector512.IsHardwareAccelerated)
            Run512(ref kernel, width);
        else
            Run256(ref kernel, width);
    }

    /// <summary>Whole 256-bit vectors, then one tail chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run256<TKernel>(ref TKernel kernel, int width) where TKernel : struct, IRowKernel, allows ref struct =>
        Finish256(ref kernel, 0, width);

    /// <summary>Whole 512-bit vectors, then one masked 512-bit chunk for the rest (a lane computes the same value at
    /// either width and in either kind of chunk).</summary>
    /// <remarks>Without AVX-512F's masked moves (never on x64, where Vector512 acceleration implies them) the rest
    /// goes through a 256-bit vector and a tail chunk.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run512<TKernel>(ref TKernel kernel, int width) where TKernel : struct, IRowKernel, allows ref struct
    {
        int column = 0;
        for (; column <= width - Float16.Count; column += Float16.Count)
            kernel.Chunk<WholeChunk<Float16>, Float16>(default, column);
        if (column == width)
            return;
        if (MaskedAccess.IsSupported && TKernel.UsesMaskedTail)
            kernel.Chunk<MaskedChunk, Float16>(new MaskedChunk(MaskedAccess.FirstLanes(width - column)), column);
        else
            Finish256(ref kernel, column, width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish256<TKernel>(ref TKernel kernel, int column, int width) where TKernel : struct, IRowKernel, allows ref struct
    {
        for (; column <= width - Float8.Count; column += Float8.Count)
            kernel.Chunk<WholeChunk<Float8>, Float8>(default, column);
        if (column < width)
            kernel.Chunk<TailChunk, Float8>(new TailChunk(width - column), column);
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

    /// <summary>A reference to the first element of a row of at least <paramref name="width"/> elements (floats or
    /// bfloat16 bits), or a null reference for an empty span (a kernel's optional output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref T RefOrNull<T>(Span<T> row, int width)
    {
        if (row.IsEmpty)
            return ref Unsafe.NullRef<T>();
        if (row.Length < width)
            ThrowShortRow(row.Length, width);
        return ref MemoryMarshal.GetReference(row);
    }

    private static void ThrowShortRow(int length, int width) =>
        throw new ArgumentException($"A row of {length} floats was given where {width} are needed.");
}
