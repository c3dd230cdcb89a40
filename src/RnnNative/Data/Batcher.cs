namespace RnnNative.Data;

/// <summary>
/// Mini-batches of sample indices: a seeded shuffle per epoch, a batch size, the last partial batch kept or
/// dropped. The order of epoch e depends only on (seed, e), so a run can resume at any epoch and gives the
/// same batches on every platform. Batches are filled into caller buffers without allocating. With a
/// <see cref="RankShard"/> (data-parallel training) every rank shuffles the same order and reads only its
/// contiguous share of each global batch: <see cref="LocalBatchSize"/> = B/N samples.
/// </summary>
/// <example>
/// <code>
/// var batcher = new Batcher(train.Count, batchSize: 150, seed: 42);
/// var x = new float[150 * train.Steps * train.Inputs]; var y = new int[150];
/// for (int epoch = 0; epoch &lt; 12; epoch++)
/// {
///     batcher.BeginEpoch(epoch);
///     for (int b = 0; b &lt; batcher.BatchesPerEpoch; b++)
///     {
///         int size = batcher.Fill(train, b, x, y);   // x: (size, T, I), y: (size,)
///     }
/// }
/// </code>
/// </example>
public sealed class Batcher
{
    private readonly int[] _order;
    private readonly ulong _seed;

    /// <param name="count">Number of samples N.</param>
    /// <param name="batchSize">Samples per batch B.</param>
    /// <param name="seed">Shuffle seed.</param>
    /// <param name="shuffle">False keeps the samples in order every epoch (evaluation).</param>
    /// <param name="dropLast">Drop the last batch when it has fewer than B samples.</param>
    /// <param name="shard">This rank's share of each batch (default: the whole batch); B must be a multiple of its size N.</param>
    public Batcher(int count, int batchSize, ulong seed, bool shuffle = true, bool dropLast = false, RankShard shard = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        LocalBatchSize = shard.LocalBatchSize(batchSize);
        Shard = shard.Size == 0 ? RankShard.Whole : shard;
        _order = new int[count];
        _seed = seed;
        Shuffled = shuffle;
        BatchSize = batchSize;
        DropLast = dropLast;
        BeginEpoch(0);
    }

    /// <summary>N, the samples per epoch before dropping.</summary>
    public int Count => _order.Length;

    /// <summary>B, samples per full global batch (over all ranks).</summary>
    public int BatchSize { get; }

    /// <summary>B/N, the samples this rank reads per full batch (B without a shard).</summary>
    public int LocalBatchSize { get; }

    /// <summary>Which share of each batch this rank reads.</summary>
    public RankShard Shard { get; }

    /// <summary>Whether each epoch is shuffled.</summary>
    public bool Shuffled { get; }

    /// <summary>Whether a last batch smaller than <see cref="BatchSize"/> is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>The epoch whose order is current.</summary>
    public int Epoch { get; private set; }

    /// <summary>Batches per epoch: floor(N/B) when dropping the last partial batch, ceil(N/B) otherwise.</summary>
    public int BatchesPerEpoch => DropLast ? Count / BatchSize : (Count + BatchSize - 1) / BatchSize;

    /// <summary>The sample order of the current epoch (a permutation of [0, N)).</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>Sets the order for <paramref name="epoch"/>: a permutation seeded by (seed, epoch). Allocates nothing.</summary>
    public void BeginEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        Epoch = epoch;
        if (Shuffled) Shuffle.Permute(_order, Shuffle.EpochSeed(_seed, epoch));
        else for (int i = 0; i < _order.Length; i++) _order[i] = i;
    }

    /// <summary>
    /// This rank's sample indices of batch <paramref name="batch"/> of the current epoch (<see cref="LocalBatchSize"/>
    /// of them; a kept last batch of m &lt; B samples is split as <see cref="RankShard.Range"/> says).
    /// </summary>
    public ReadOnlySpan<int> BatchIndices(int batch) => Shard.Of(GlobalBatchIndices(batch));

    /// <summary>The sample indices of global batch <paramref name="batch"/> over all ranks (B of them, fewer for a kept last batch).</summary>
    public ReadOnlySpan<int> GlobalBatchIndices(int batch)
    {
        if ((uint)batch >= (uint)BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"Batch index outside [0, {BatchesPerEpoch}).");
        int start = batch * BatchSize;
        return _order.AsSpan(start, Math.Min(BatchSize, Count - start));
    }

    /// <summary>Fills x (b, T, I), y (b,) and optional lengths (b,) with this rank's b samples of batch <paramref name="batch"/>; returns its size.</summary>
    public int Fill(Dataset data, int batch, Span<float> x, Span<int> y, Span<int> lengths = default)
    {
        CheckCount(data.Count);
        var indices = BatchIndices(batch);
        data.Gather(indices, x, y, lengths);
        return indices.Length;
    }

    /// <summary>Fills x (b, T, 1) and y (b, T, 1) with windows of this rank's b samples of batch <paramref name="batch"/>; returns its size.</summary>
    public int Fill(TimeSeriesDataset data, int batch, Span<float> x, Span<float> y)
    {
        CheckCount(data.Count);
        var indices = BatchIndices(batch);
        data.Gather(indices, x, y);
        return indices.Length;
    }

    private void CheckCount(int dataCount)
    {
        if (dataCount != Count)
            throw new ArgumentException($"The batcher was made for {Count} samples but the data set has {dataCount}.");
    }
}
