namespace RnnNative.Data;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny 64-bit generator whose output is fixed by its seed on every
/// platform and runtime, unlike <see cref="Random"/>, whose algorithm .NET does not specify.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>state += golden gamma; z = mix(state) with two xor-shift-multiply rounds.</summary>
    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, bound) without modulo bias (Lemire's multiply-and-reject).</summary>
    public uint NextBelow(uint bound)
    {
        ulong m = (ulong)(uint)(Next() >> 32) * bound;
        if ((uint)m < bound)
        {
            uint threshold = (0u - bound) % bound;
            while ((uint)m < threshold) m = (ulong)(uint)(Next() >> 32) * bound;
        }
        return (uint)(m >> 32);
    }
}

/// <summary>Seeded Fisher–Yates permutations.</summary>
internal static class Shuffle
{
    /// <summary>Writes the identity into <paramref name="order"/>, then shuffles it with a generator seeded by <paramref name="seed"/>.</summary>
    public static void Permute(Span<int> order, ulong seed)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var rng = new SplitMix64(seed);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = (int)rng.NextBelow((uint)i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    /// <summary>A new random permutation of [0, count).</summary>
    public static int[] Permutation(int count, ulong seed)
    {
        var order = new int[count];
        Permute(order, seed);
        return order;
    }

    /// <summary>A seed for epoch <paramref name="epoch"/> derived from a base seed (distinct, well mixed).</summary>
    public static ulong EpochSeed(ulong seed, int epoch)
    {
        var mix = new SplitMix64(seed ^ (0xD1B54A32D192ED03UL * (ulong)(epoch + 1)));
        return mix.Next();
    }
}
