namespace RnnNative.Data;

/// <summary>Seeded Fisher–Yates permutations.</summary>
public static class Shuffle
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
