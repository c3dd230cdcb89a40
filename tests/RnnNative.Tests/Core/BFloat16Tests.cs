namespace RnnNative.Tests.Core;

/// <summary>
/// float32 → bfloat16 against the VCVTNEPS2BF16 definition: hand-checked edge values, an independent
/// round-to-nearest-even reference in double arithmetic, and the vector paths against the scalar twin at every
/// length 0..257.
/// </summary>
public sealed class BFloat16Tests
{
    public static TheoryData<uint, ushort> EdgeValues() => new()
    {
        { 0x0000_0000, 0x0000 }, // +0
        { 0x8000_0000, 0x8000 }, // -0
        { 0x3F80_0000, 0x3F80 }, // 1
        { 0x3F80_8000, 0x3F80 }, // tie, even below: stays
        { 0x3F81_8000, 0x3F82 }, // tie, odd below: up to even
        { 0xBF81_8000, 0xBF82 }, // negative tie, odd: away from zero to even
        { 0x3F80_8001, 0x3F81 }, // just above the tie: up
        { 0x3F81_7FFF, 0x3F81 }, // just below the tie: down
        { 0x3FFF_FFFF, 0x4000 }, // carry into the exponent
        { 0x0000_0001, 0x0000 }, // smallest subnormal: zero
        { 0x807F_FFFF, 0x8000 }, // largest negative subnormal: signed zero
        { 0x0080_0000, 0x0080 }, // smallest normal
        { 0x0080_8000, 0x0080 }, // smallest normal, tie to even
        { 0x7F80_0000, 0x7F80 }, // +Inf
        { 0xFF80_0000, 0xFF80 }, // -Inf
        { 0x7F7F_FFFF, 0x7F80 }, // float.MaxValue rounds to +Inf
        { 0xFF7F_FFFF, 0xFF80 }, // -float.MaxValue rounds to -Inf
        { 0x7F7F_7FFF, 0x7F7F }, // largest float that stays finite
        { 0x7F7F_8000, 0x7F80 }, // tie at the top, odd: to Inf
        { 0x7FC0_0000, 0x7FC0 }, // quiet NaN
        { 0x7F80_0001, 0x7FC0 }, // signalling NaN, payload only in the low bits: quieted
        { 0x7FA0_0000, 0x7FE0 }, // signalling NaN with a high payload bit: kept, quieted
        { 0xFFC1_2345, 0xFFC1 }, // negative NaN: sign and top payload kept
        { 0x7FFF_FFFF, 0x7FFF }, // NaN with every payload bit: no carry into the sign
    };

    [Theory, MemberData(nameof(EdgeValues))]
    public void FromFloat_gives_the_defined_bits_on_edge_values(uint input, ushort expected)
    {
        float value = BitConverter.UInt32BitsToSingle(input);
        Assert.Equal(expected, BFloat16.FromFloat(value));
        var dst = new ushort[1];
        BFloat16.FromFloats([value], dst);
        Assert.Equal(expected, dst[0]);
    }

    [Theory, MemberData(nameof(EdgeValues))]
    public void Span_paths_give_the_defined_bits_on_edge_values_in_every_lane(uint input, ushort expected)
    {
        for (int lane = 0; lane < 64; lane++)
        {
            var src = new float[64];
            Array.Fill(src, 1.5f);
            src[lane] = BitConverter.UInt32BitsToSingle(input);
            var bits = new ushort[64];
            var rounded = new float[64];
            BFloat16.FromFloats(src, bits);
            BFloat16.RoundFloats(src, rounded);
            Assert.Equal(expected, bits[lane]);
            Assert.Equal((uint)expected << 16, BitConverter.SingleToUInt32Bits(rounded[lane]));
            Assert.Equal(0x3FC0, bits[(lane + 1) % 64]);
        }
    }

    [Fact]
    public void FromFloat_matches_round_to_nearest_even_in_double_arithmetic_on_normal_numbers()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 200_000; trial++)
        {
            uint bits = (uint)random.NextInt64(0, 1L << 32);
            float value = BitConverter.UInt32BitsToSingle(bits);
            if (!float.IsNormal(value)) continue;
            Assert.Equal(ReferenceRound(value), BFloat16.ToFloat(BFloat16.FromFloat(value)));
        }
    }

    [Fact]
    public void ToFloat_is_exact_and_inverts_FromFloat_on_every_non_NaN_bfloat16()
    {
        for (int b = 0; b <= ushort.MaxValue; b++)
        {
            float value = BFloat16.ToFloat((ushort)b);
            Assert.Equal((uint)b << 16, BitConverter.SingleToUInt32Bits(value));
            bool subnormal = (b & 0x7F80) == 0 && (b & 0x7F) != 0;
            if (float.IsNaN(value) || subnormal) continue;
            Assert.Equal((ushort)b, BFloat16.FromFloat(value));
        }
    }

    [Fact]
    public void Vector_paths_match_the_scalar_twin_at_every_length()
    {
        var random = new Random(3);
        for (int length = 0; length <= 257; length++)
        {
            var src = RandomFloats(random, length);
            var bits = new ushort[length + 1];
            var rounded = new float[length + 1];
            var back = new float[length + 1];
            bits[length] = 0xABCD;
            rounded[length] = back[length] = 42f;
            BFloat16.FromFloats(src, bits);
            BFloat16.RoundFloats(src, rounded);
            BFloat16.ToFloats(bits.AsSpan(0, length), back);
            for (int i = 0; i < length; i++)
            {
                ushort expected = BFloat16.FromFloat(src[i]);
                Assert.Equal(expected, bits[i]);
                Assert.Equal((uint)expected << 16, BitConverter.SingleToUInt32Bits(rounded[i]));
                Assert.Equal((uint)expected << 16, BitConverter.SingleToUInt32Bits(back[i]));
            }
            Assert.Equal(0xABCD, bits[length]); // nothing written past the source's length
            Assert.Equal(42f, rounded[length]);
            Assert.Equal(42f, back[length]);
        }
    }

    [Fact]
    public void RoundFloats_works_in_place()
    {
        float[] values = [1.00390625f, -3.3f, float.NaN, 1e-40f];
        BFloat16.RoundFloats(values, values);
        Assert.Equal([1f, BFloat16.Round(-3.3f), BFloat16.ToFloat(0x7FC0), 0f], values);
    }

    [Theory, MemberData(nameof(EdgeValues))]
    public void Register_conversions_give_the_defined_bits_on_edge_values_in_every_lane(uint input, ushort expected)
    {
        for (int lane = 0; lane < 16; lane++)
        {
            var values = Enumerable.Repeat(1.5f, 16).ToArray();
            values[lane] = BitConverter.UInt32BitsToSingle(input);
            var wide = BFloat16.FromFloats(System.Runtime.Intrinsics.Vector512.Create(values));
            Assert.Equal(expected, wide[lane]);
            Assert.Equal(0x3FC0, wide[(lane + 1) % 16]);
            if (lane < 8)
                Assert.Equal(expected, BFloat16.FromFloats(System.Runtime.Intrinsics.Vector256.Create(values.AsSpan(0, 8)))[lane]);
        }
    }

    [Fact]
    public void FromFloats_into_memory_that_overlaps_the_source_gives_the_defined_bits()
    {
        // The bits written over the floats' own storage, as a caller reinterpreting one buffer might: the paths that
        // would re-read overwritten lanes (the overlapping last vector) must not be taken.
        var random = new Random(5);
        for (int length = 0; length <= 70; length++)
        {
            var values = RandomFloats(random, length);
            var expected = values.Select(BFloat16.FromFloat).ToArray();
            BFloat16.FromFloats(values, System.Runtime.InteropServices.MemoryMarshal.Cast<float, ushort>(values.AsSpan()));
            var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, ushort>(values.AsSpan())[..length].ToArray();
            Assert.Equal(expected, bits);
        }
    }

    [Fact]
    public void A_short_destination_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => BFloat16.FromFloats(new float[5], new ushort[4]));
        Assert.Contains("holds 4 elements; the source has 5", e.Message);
        Assert.Throws<ArgumentException>(() => BFloat16.ToFloats(new ushort[3], new float[2]));
        Assert.Throws<ArgumentException>(() => BFloat16.RoundFloats(new float[3], new float[2]));
    }

    // Round to 8 significant bits, ties to even, in double: x = q·ulp with ulp = 2^(e−7), q rounded to an integer.
    private static float ReferenceRound(float value)
    {
        int exponent = Math.ILogB(value);
        double ulp = Math.ScaleB(1.0, exponent - 7);
        double rounded = Math.Round(value / ulp, MidpointRounding.ToEven) * ulp;
        return Math.Abs(rounded) >= Math.ScaleB(1.0, 128) ? (rounded > 0 ? float.PositiveInfinity : float.NegativeInfinity)
            : (float)rounded;
    }

    // Mostly ordinary numbers, with ties, subnormals, infinities and NaNs mixed in.
    private static float[] RandomFloats(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = RandomFloat(random);
        return values;
    }

    private static float RandomFloat(Random random) => random.Next(8) switch
    {
        0 => BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32)),
        1 => BitConverter.UInt32BitsToSingle(((uint)random.NextInt64(0, 1L << 32) & 0xFFFF_0000) | 0x8000),
        2 => BitConverter.UInt32BitsToSingle((uint)random.Next(0, 0x0080_0000) | (random.Next(2) == 0 ? 0 : 0x8000_0000)),
        3 => random.Next(3) switch { 0 => float.PositiveInfinity, 1 => float.NegativeInfinity, _ => float.NaN },
        _ => (float)(random.NextDouble() * 20 - 10),
    };
}
