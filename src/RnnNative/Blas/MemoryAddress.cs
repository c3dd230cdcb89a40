using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnNative.Blas;

/// <summary>
/// Where float storage lies in memory, for laying out GEMM operands (cache-line alignment) and telling operands
/// apart: the only place outside the native bindings that looks at addresses. Nothing here dereferences them.
/// </summary>
internal static unsafe class MemoryAddress
{
    /// <summary>Bytes of a cache line, the alignment GEMM operands are laid out to.</summary>
    public const int LineBytes = 64;

    /// <summary>
    /// The first index of <paramref name="pinned"/> whose element lies <paramref name="lead"/> elements past a
    /// 64-byte boundary (0 ≤ lead &lt; 64 / sizeof(T)). The array must be pinned (<c>GC.AllocateArray(..., pinned: true)</c>),
    /// or the answer is stale after the next collection.
    /// </summary>
    public static int AlignedIndex<T>(T[] pinned, int lead = 0) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(pinned);
        int elements = LineBytes / sizeof(T);
        ArgumentOutOfRangeException.ThrowIfNegative(lead);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(lead, elements);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        int misalign = (int)(address % LineBytes) / sizeof(T);
        return (lead - misalign + elements) % elements;
    }

    /// <summary>The address of a span's first element: an identity for its storage (valid while that storage
    /// does not move), never dereferenced.</summary>
    public static nint Of(ReadOnlySpan<float> span) => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span));
}
