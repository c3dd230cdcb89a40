using RnnNative.Data;

namespace RnnNative.Training;

/// <summary>
/// What a <see cref="TrainingLoop"/> trains on: <see cref="Count"/> examples, any batch of which it writes into
/// preallocated feed buffers (usually a <see cref="BatchFeeds"/>).
/// </summary>
/// <remarks>
/// An "example" is whatever the loop batches and shuffles: an image, a window of a series, or a whole chunk
/// of B text streams (a source over chunks is batched one at a time, in order). <see cref="ItemsPerExample"/>
/// converts examples into the items a rate counts (characters for text chunks).
/// </remarks>
public interface IBatchSource
{
    /// <summary>Examples N.</summary>
    int Count { get; }

    /// <summary>Items one example counts for in rates and progress (1 for most sources).</summary>
    int ItemsPerExample => 1;

    /// <summary>Fills the buffers of the examples at <paramref name="indices"/>, in that order; returns them. Allocates nothing in steady state.</summary>
    FeedBatch Fill(ReadOnlySpan<int> indices);

    /// <summary>
    /// Called after every training step with the values of the loop's extra fetches (in the order given to the
    /// loop), e.g. to carry an RNN's final state into the next batch. Does nothing by default.
    /// </summary>
    void StepCompleted(FeedBatch batch, ReadOnlySpan<Tensor?> extraValues) { }
}

/// <summary>
/// Feeds of a model over a <see cref="Dataset"/>: inputs x (B, T, I), labels y (B) and, when the model takes
/// them, sequence lengths (B) — the placeholders of <see cref="Models.SequenceClassifier"/> and of any model
/// shaped like it.
/// </summary>
public sealed class DatasetFeeds
{
    private readonly Placeholder _x, _y;
    private readonly Placeholder? _lengths;
    private readonly BatchFeeds _feeds = new();

    /// <summary>Feeds <paramref name="x"/> (float32), <paramref name="y"/> (int32) and optionally <paramref name="lengths"/> (int32).</summary>
    public DatasetFeeds(Placeholder x, Placeholder y, Placeholder? lengths = null)
    {
        (_x, _y, _lengths) = (x, y, lengths);
        _feeds.Add(x).Add(y);
        if (lengths is not null) _feeds.Add(lengths);
    }

    /// <summary>Fills the buffers with the examples of <paramref name="data"/> at <paramref name="indices"/>; returns them.</summary>
    public FeedBatch Fill(Dataset data, ReadOnlySpan<int> indices)
    {
        var batch = _feeds.For(indices.Length);
        data.Gather(indices, batch.Floats(_x), batch.Ints(_y), _lengths is null ? default : batch.Ints(_lengths));
        return batch;
    }

    /// <summary>A batch source over <paramref name="data"/> sharing these buffers.</summary>
    public IBatchSource Over(Dataset data) => new Source(this, data);

    private sealed class Source(DatasetFeeds feeds, Dataset data) : IBatchSource
    {
        public int Count => data.Count;
        public FeedBatch Fill(ReadOnlySpan<int> indices) => feeds.Fill(data, indices);
    }
}
