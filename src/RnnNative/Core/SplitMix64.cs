namespace RnnNative;

/// <summary>Seed mixing (the SplitMix64 finaliser): distinct, well-spread seeds from (graph seed, op seed).</summary>
public static class SeedMixer
{
    /// <summary>A well-spread seed from two: the SplitMix64 finaliser of a·φ + b + c (φ the 64-bit golden gamma).</summary>
    public static ulong Mix(ulong a, ulong b) => SplitMix64.Finalize(a * 0x9E3779B97F4A7C15UL + b + 0x632BE59BD9B4E019UL);
}

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny 64-bit generator whose output is fixed by its seed on every
/// platform and runtime, unlike <see cref="Random"/>, whose algorithm .NET does not specify. The one generator
/// of the library: initialisers, dropout masks, shuffling.
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The output function: two xor-shift-multiply rounds.</summary>
    public static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>state += golden gamma; returns the finalised state.</summary>
    public ulong Next() => Finalize(_state += 0x9E3779B97F4A7C15UL);

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

    /// <summary>Uniform in [0, 1) with 24 random bits (every float in the grid is reachable).</summary>
    public float NextSingle() => (Next() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal by Box–Muller (one value per call; the pair's second half is dropped for simplicity).</summary>
    public double NextNormal()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
