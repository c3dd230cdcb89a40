using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnNative.Blas;

/// <summary>
/// A bfloat16 copy of a float32 parameter slab, same layout, converted once per step (<see cref="Refresh"/>) so
/// that GEMMs reading weights from the slab read this copy instead of rounding the weights again on every call.
/// </summary>
/// <remarks>Both arrays are pinned: whether an operand lies inside the slab is decided by its address.</remarks>
public sealed class Bf16Weights
{
    private readonly float[] _values;

    /// <summary>Mirrors <paramref name="values"/>, which must be a pinned array (the slab never moves).</summary>
    public Bf16Weights(float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values;
        Bits = GC.AllocateUninitializedArray<ushort>(values.Length, pinned: true);
    }

    /// <summary>The bfloat16 copy: (slab length).</summary>
    public ushort[] Bits { get; }

    /// <summary>Rounds every value of the slab into <see cref="Bits"/> (after the weights changed).</summary>
    public void Refresh() => BFloat16.FromFloats(_values, Bits);

    /// <summary>If <paramref name="operand"/> lies inside the slab, its first element's index there.</summary>
    public bool TryLocate(ReadOnlySpan<float> operand, out int offset)
    {
        offset = -1;
        if (_values.Length == 0 || operand.IsEmpty) return false;
        nint bytes = Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(_values), ref MemoryMarshal.GetReference(operand));
        if (bytes < 0 || bytes % sizeof(float) != 0 || bytes / sizeof(float) + operand.Length > _values.Length) return false;
        offset = (int)(bytes / sizeof(float));
        return true;
    }
}
