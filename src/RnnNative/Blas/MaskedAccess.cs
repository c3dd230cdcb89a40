using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnNative.Blas;

/// <summary>
/// AVX-512 masked loads and stores of the first lanes of a 512-bit vector at a managed reference: the row kernels'
/// tail, with the pointer work kept here, beside the other code that takes addresses.
/// </summary>
/// <remarks>
/// A masked-off lane is neither read nor written (no fault, no store past the row: the next row may belong to
/// another thread) and loads as 0. Unlike AVX's <c>vmaskmovps</c>, whose store form is microcoded on AMD Zen,
/// the AVX-512 forms run at the speed of plain vector moves on the CPUs that have them.
/// Callers check <see cref="IsSupported"/> first.
/// </remarks>
internal static unsafe class MaskedAccess
{
    /// <summary>Whether <see cref="Load"/> and the stores run here (AVX-512F, and BW with VL for 16-bit lanes).</summary>
    public static bool IsSupported => Avx512F.IsSupported && Avx512BW.VL.IsSupported;

    /// <summary>All-ones in lanes [0, count), zeros in the others (0 ≤ count ≤ 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FirstLanes(int count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();

    /// <summary>The lanes of <paramref name="mask"/> from 16 floats at <paramref name="source"/>, 0 elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, Vector512<float> mask)
    {
        fixed (float* p = &source)
            return Avx512F.MaskLoad(p, mask, Vector512<float>.Zero);
    }

    /// <summary>Writes the 16-bit lanes of <paramref name="value"/> that <paramref name="mask"/> (32-bit lanes, as for
    /// <see cref="Store"/>) selects to 16 ushorts at <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ref ushort destination, Vector512<float> mask, Vector256<ushort> value)
    {
        fixed (ushort* p = &destination)
            Avx512BW.VL.MaskStore(p, Avx512F.ConvertToVector256UInt16(mask.AsUInt32()), value);
    }

    /// <summary>Writes the lanes of <paramref name="mask"/> of <paramref name="value"/> to 16 floats at <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ref float destination, Vector512<float> mask, Vector512<float> value)
    {
        fixed (float* p = &destination)
            Avx512F.MaskStore(p, mask, value);
    }
}
