namespace RnnNative.Data;

/// <summary>
/// Rank r of N's share of each global batch in data-parallel training: the r-th of N contiguous slices. With a
/// global batch B divisible by N, every rank reads B/N samples per step, the ranks' shares are disjoint, and
/// together they are exactly the global batch in its order (2 ranks × 75 read the samples 1 rank × 150 reads).
/// </summary>
/// <remarks>
/// A batch of m samples is split at ⌊r·m/N⌋: equal slices when N divides m; a kept last partial batch that N does
/// not divide gives slices whose lengths differ by at most one (some empty when m &lt; N).
/// </remarks>
public readonly record struct RankShard
{
    /// <summary>Rank <paramref name="rank"/> of <paramref name="size"/>.</summary>
    public RankShard(int rank, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if ((uint)rank >= (uint)size)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"The rank must be in [0, {size}).");
        Rank = rank;
        Size = size;
    }

    /// <summary>One process reading every sample (rank 0 of 1).</summary>
    public static RankShard Whole => new(0, 1);

    /// <summary>r, this rank.</summary>
    public int Rank { get; }

    /// <summary>N, the number of ranks (0 only for <c>default(RankShard)</c>, which acts as <see cref="Whole"/>).</summary>
    public int Size { get; }

    private int Ranks => Math.Max(Size, 1);

    /// <summary>B/N, the samples each rank reads per full global batch B.</summary>
    /// <exception cref="ArgumentException">B is not a multiple of N.</exception>
    public int LocalBatchSize(int globalBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(globalBatchSize);
        if (globalBatchSize % Ranks != 0)
            throw new ArgumentException(
                $"The global batch size {globalBatchSize} is not divisible by the {Ranks} ranks: each rank must read the same "
                + $"number of samples per step. Use a batch size that is a multiple of {Ranks}.", nameof(globalBatchSize));
        return globalBatchSize / Ranks;
    }

    /// <summary>This rank's slice [⌊r·m/N⌋, ⌊(r+1)·m/N⌋) of a batch of m = <paramref name="count"/> samples.</summary>
    public (int Start, int Length) Range(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int start = (int)((long)Rank * count / Ranks);
        int end = (int)((long)(Rank + 1) * count / Ranks);
        return (start, end - start);
    }

    /// <summary>This rank's share of <paramref name="globalBatch"/> (the sample indices of one global batch).</summary>
    public ReadOnlySpan<int> Of(ReadOnlySpan<int> globalBatch)
    {
        var (start, length) = Range(globalBatch.Length);
        return globalBatch.Slice(start, length);
    }
}
