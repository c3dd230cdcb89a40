using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnNative;

/// <summary>
/// bfloat16 conversions: a bfloat16 is the upper 16 bits of a float32 (sign, 8 exponent bits, 7 mantissa bits),
/// stored here as <see cref="ushort"/>. Span in, span out, no allocation; Vector512/Vector256 paths with the scalar
/// <see cref="FromFloat"/> as their reference twin.
/// </summary>
/// <remarks>
/// The float32 → bfloat16 definition is Intel's <c>VCVTNEPS2BF16</c>:
/// <list type="bullet">
/// <item>normal numbers: round to nearest, ties to even, on the bits: <c>(x + 0x7FFF + ((x &gt;&gt; 16) &amp; 1)) &gt;&gt; 16</c>;
/// a value at or above <c>0x7F7F8000</c> in magnitude (e.g. float.MaxValue) rounds to ±Inf;</item>
/// <item>±0 and float32 subnormals: signed zero (denormals are zero);</item>
/// <item>±Inf: ±Inf;</item>
/// <item>NaN: the upper 16 bits with the quiet bit (bit 6) set, so sign and the top 6 payload bits are kept.</item>
/// </list>
/// It equals PyTorch's <c>torch.bfloat16</c> conversion except for float32 subnormals, which PyTorch rounds instead of
/// flushing. Flushing them means no bfloat16 operand is ever subnormal, so a GEMM on <c>vdpbf16ps</c> (which treats
/// subnormal inputs as zero) and a float32 GEMM on the widened values multiply the same numbers.
/// bfloat16 → float32 is exact: the 16 bits become the upper half of the float.
/// </remarks>
public static class BFloat16
{
    private const uint SignMask = 0x8000_0000, AbsMask = 0x7FFF_FFFF, ExponentMask = 0x7F80_0000;
    private const uint PositiveInfinity = 0x7F80_0000, RoundingBias = 0x7FFF;
    private const ushort QuietBit = 0x0040;

    /// <summary>Rounds one float to bfloat16 bits (see remarks on the class).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort FromFloat(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & AbsMask) > PositiveInfinity) return (ushort)((bits >> 16) | QuietBit); // NaN
        if ((bits & ExponentMask) == 0) return (ushort)((bits & SignMask) >> 16); // ±0, subnormal
        return (ushort)((bits + RoundingBias + ((bits >> 16) & 1)) >> 16); // normal, ±Inf
    }

    /// <summary>The float32 a bfloat16 stands for (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToFloat(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>The float nearest to <paramref name="value"/> that bfloat16 can hold: <c>ToFloat(FromFloat(value))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Round(float value) => ToFloat(FromFloat(value));

    /// <summary>dst[i] = FromFloat(src[i]).</summary>
    /// <exception cref="ArgumentException"><paramref name="dst"/> is shorter than <paramref name="src"/>.</exception>
    public static void FromFloats(ReadOnlySpan<float> src, Span<ushort> dst)
    {
        CheckLengths(src.Length, dst.Length);
        ref float s = ref MemoryMarshal.GetReference(src);
        ref ushort d = ref MemoryMarshal.GetReference(dst);
        if (MemoryMarshal.AsBytes(src).Overlaps(MemoryMarshal.AsBytes(dst[..src.Length])))
            FromFloatsInOrder(ref Unsafe.As<float, uint>(ref s), ref d, src.Length);
        else
            FromFloatsDisjoint(ref s, ref d, src.Length);
    }

    /// <summary><see cref="FromFloats"/> on <paramref name="n"/> floats at <paramref name="src"/> into memory at
    /// <paramref name="dst"/> that does not overlap them; the caller has checked both hold <paramref name="n"/>
    /// elements.</summary>
    /// <remarks>A row that is not a whole number of 512-bit vectors ends with one vector over its last lanes,
    /// overlapping the one before it: lane i gets FromFloat(src[i]) either way, which is exact only because dst
    /// does not overlap src.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FromFloatsDisjoint(ref float src, ref ushort dst, int n)
    {
        ref uint s = ref Unsafe.As<float, uint>(ref src);
        if (!Vector512.IsHardwareAccelerated || n < Vector512<uint>.Count)
        {
            FromFloatsInOrder(ref s, ref dst, n);
            return;
        }
        int last = n - Vector512<uint>.Count;
        for (int i = 0; i < last; i += Vector512<uint>.Count)
            Narrow(Convert(Vector512.LoadUnsafe(ref s, (nuint)i))).StoreUnsafe(ref dst, (nuint)i);
        Narrow(Convert(Vector512.LoadUnsafe(ref s, (nuint)last))).StoreUnsafe(ref dst, (nuint)last);
    }

    // Front to back, each block read before it is written: right even when dst overlaps src (written in place).
    private static void FromFloatsInOrder(ref uint s, ref ushort d, int n)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; j <= n - 2 * Vector256<uint>.Count; j += 2 * Vector256<uint>.Count)
            {
                var lo = Vector256.LoadUnsafe(ref s, (nuint)j);
                var hi = Vector256.LoadUnsafe(ref s, (nuint)(j + Vector256<uint>.Count));
                Vector256.Narrow(Convert(lo), Convert(hi)).StoreUnsafe(ref d, (nuint)j);
            }
        for (; j < n; j++) Unsafe.Add(ref d, j) = FromFloat(BitConverter.UInt32BitsToSingle(Unsafe.Add(ref s, j)));
    }

    // 16 bfloat16 in the low halves of 16 uints → 16 ushorts (vpmovdw where AVX-512 has it).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> Narrow(Vector512<uint> halves) =>
        Avx512F.IsSupported ? Avx512F.ConvertToVector256UInt16(halves) : Vector512.Narrow(halves, halves).GetLower();

    /// <summary>dst[i] = ToFloat(src[i]).</summary>
    /// <exception cref="ArgumentException"><paramref name="dst"/> is shorter than <paramref name="src"/>.</exception>
    public static void ToFloats(ReadOnlySpan<ushort> src, Span<float> dst)
    {
        CheckLengths(src.Length, dst.Length);
        ref ushort s = ref MemoryMarshal.GetReference(src);
        ref uint d = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(dst));
        int i = 0, n = src.Length;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<ushort>.Count; i += Vector512<ushort>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref s, (nuint)i));
                (lo << 16).StoreUnsafe(ref d, (nuint)i);
                (hi << 16).StoreUnsafe(ref d, (nuint)(i + Vector512<uint>.Count));
            }
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref s, (nuint)i));
                (lo << 16).StoreUnsafe(ref d, (nuint)i);
                (hi << 16).StoreUnsafe(ref d, (nuint)(i + Vector256<uint>.Count));
            }
        for (; i < n; i++) Unsafe.Add(ref d, i) = (uint)Unsafe.Add(ref s, i) << 16;
    }

    /// <summary>dst[i] = Round(src[i]): the operands of an emulated bfloat16 GEMM, still as float32.</summary>
    /// <exception cref="ArgumentException"><paramref name="dst"/> is shorter than <paramref name="src"/>.</exception>
    public static void RoundFloats(ReadOnlySpan<float> src, Span<float> dst)
    {
        CheckLengths(src.Length, dst.Length);
        ref uint s = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(src));
        ref uint d = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(dst));
        int i = 0, n = src.Length;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<uint>.Count; i += Vector512<uint>.Count)
                (Convert(Vector512.LoadUnsafe(ref s, (nuint)i)) << 16).StoreUnsafe(ref d, (nuint)i);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<uint>.Count; i += Vector256<uint>.Count)
                (Convert(Vector256.LoadUnsafe(ref s, (nuint)i)) << 16).StoreUnsafe(ref d, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref d, i) = (uint)FromFloat(BitConverter.UInt32BitsToSingle(Unsafe.Add(ref s, i))) << 16;
    }

    /// <summary>FromFloat on 16 lanes, as 16 ushorts: for kernels that round values they hold in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<ushort> FromFloats(Vector512<float> values) => Narrow(Convert(values.AsUInt32()));

    /// <summary>FromFloat on 8 lanes, as 8 ushorts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<ushort> FromFloats(Vector256<float> values)
    {
        var halves = Convert(values.AsUInt32());
        return Vector128.Narrow(halves.GetLower(), halves.GetUpper());
    }

    // FromFloat on 16 lanes: the bfloat16 in the low half of each uint.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Convert(Vector512<uint> bits)
    {
        var nan = Vector512.GreaterThan(bits & Vector512.Create(AbsMask), Vector512.Create(PositiveInfinity));
        var zero = Vector512.Equals(bits & Vector512.Create(ExponentMask), Vector512<uint>.Zero);
        var upper = bits >> 16;
        var rounded = (bits + Vector512.Create(RoundingBias) + (upper & Vector512<uint>.One)) >> 16;
        var special = Vector512.ConditionalSelect(nan, upper | Vector512.Create((uint)QuietBit), upper & Vector512.Create(0x8000u));
        return Vector512.ConditionalSelect(nan | zero, special, rounded);
    }

    // FromFloat on 8 lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Convert(Vector256<uint> bits)
    {
        var nan = Vector256.GreaterThan(bits & Vector256.Create(AbsMask), Vector256.Create(PositiveInfinity));
        var zero = Vector256.Equals(bits & Vector256.Create(ExponentMask), Vector256<uint>.Zero);
        var upper = bits >> 16;
        var rounded = (bits + Vector256.Create(RoundingBias) + (upper & Vector256<uint>.One)) >> 16;
        var special = Vector256.ConditionalSelect(nan, upper | Vector256.Create((uint)QuietBit), upper & Vector256.Create(0x8000u));
        return Vector256.ConditionalSelect(nan | zero, special, rounded);
    }

    private static void CheckLengths(int source, int destination)
    {
        if (destination < source)
            throw new ArgumentException($"The destination holds {destination} elements; the source has {source}.");
    }
}
