namespace RnnNative.Training;

/// <summary>
/// Feed buffers of a batch: one preallocated tensor of shape (B, example dims...) per declared placeholder,
/// allocated once per batch size B met and refilled in place (a fed tensor is read in place, so refilling its
/// array is all a step needs).
/// </summary>
/// <remarks>
/// An epoch has at most two batch sizes (B and the remainder N mod B), so a <see cref="BatchFeeds"/> holds
/// one or two <see cref="FeedBatch"/> sets. Fixed feeds (<see cref="SetFixed"/>: a training flag, a carried
/// RNN state) are placed in every set's <see cref="FeedBatch.Feeds"/> as they are.
/// </remarks>
/// <example>
/// <code>
/// var feeds = new BatchFeeds().Add(model.X).Add(model.Y);
/// var batch = feeds.For(indices.Length);
/// data.Gather(indices, batch.Floats(model.X), batch.Ints(model.Y));
/// session.Run(fetches, batch.Feeds);
/// </code>
/// </example>
public sealed class BatchFeeds
{
    private readonly List<(Placeholder Placeholder, int[] ExampleDims)> _inputs = [];
    private readonly Dictionary<Placeholder, Tensor> _fixed = [];
    private readonly List<FeedBatch> _batches = [];

    /// <summary>
    /// Declares <paramref name="placeholder"/> as fed per batch with a (B, <paramref name="exampleDims"/>...)
    /// tensor of its dtype; without dims they are the placeholder's shape after its batch axis (fully known).
    /// </summary>
    /// <exception cref="ArgumentException">The dims are unknown, negative, or the placeholder is declared twice.</exception>
    /// <exception cref="InvalidOperationException">Buffers were already made.</exception>
    public BatchFeeds Add(Placeholder placeholder, params int[] exampleDims)
    {
        ArgumentNullException.ThrowIfNull(placeholder);
        if (_batches.Count > 0) throw new InvalidOperationException("Declare every placeholder before the first batch is made.");
        if (_inputs.Exists(i => i.Placeholder == placeholder))
            throw new ArgumentException($"Placeholder '{placeholder.Name}' is declared twice.", nameof(placeholder));
        int[] dims = exampleDims.Length > 0 ? (int[])exampleDims.Clone() : ExampleDimsOf(placeholder);
        if (Array.Exists(dims, d => d < 0))
            throw new ArgumentException($"Placeholder '{placeholder.Name}': example dims ({string.Join(", ", dims)}) must be known and >= 0.", nameof(exampleDims));
        _inputs.Add((placeholder, dims));
        return this;
    }

    /// <summary>Feeds <paramref name="value"/> (read in place) to <paramref name="placeholder"/> in every batch from now on.</summary>
    public void SetFixed(Placeholder placeholder, Tensor value)
    {
        _fixed[placeholder] = value;
        foreach (var batch in _batches) batch.Feeds[placeholder] = value;
    }

    /// <summary>The buffers for a batch of <paramref name="size"/> examples (made on first use, then reused).</summary>
    public FeedBatch For(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        foreach (var batch in _batches)
            if (batch.Size == size) return batch;
        var created = new FeedBatch(size, _inputs);
        foreach (var (placeholder, value) in _fixed) created.Feeds[placeholder] = value;
        _batches.Add(created);
        return created;
    }

    private static int[] ExampleDimsOf(Placeholder placeholder)
    {
        var shape = placeholder.Shape;
        if (shape.Rank < 1) throw new ArgumentException($"Placeholder '{placeholder.Name}' is a scalar; it has no batch axis.", nameof(placeholder));
        var dims = new int[shape.Rank - 1];
        for (int k = 1; k < shape.Rank; k++) dims[k - 1] = shape[k];
        if (Array.IndexOf(dims, -1) >= 0)
            throw new ArgumentException($"Placeholder '{placeholder.Name}' has shape {shape}; give its example dims explicitly.", nameof(placeholder));
        return dims;
    }
}

/// <summary>The buffers of one batch size: a tensor per placeholder declared in <see cref="BatchFeeds"/>, and the feeds wrapping them.</summary>
public sealed class FeedBatch
{
    private readonly Dictionary<Placeholder, Tensor> _tensors = [];

    internal FeedBatch(int size, IReadOnlyList<(Placeholder Placeholder, int[] ExampleDims)> inputs)
    {
        Size = size;
        foreach (var (placeholder, exampleDims) in inputs)
        {
            int[] dims = [size, .. exampleDims];
            long count = size;
            foreach (int d in exampleDims) count *= d;
            var tensor = placeholder.DType == DType.Int32
                ? Tensor.FromArray(new int[count], dims)
                : Tensor.FromArray(new float[count], dims);
            _tensors.Add(placeholder, tensor);
            Feeds[placeholder] = tensor;
        }
    }

    /// <summary>Examples in the batch B.</summary>
    public int Size { get; }

    /// <summary>The feeds of a run over this batch (the buffers, and the fixed feeds).</summary>
    public FeedDict Feeds { get; } = new();

    /// <summary>The float32 buffer fed to <paramref name="placeholder"/>, (B, example dims...) row-major.</summary>
    public float[] Floats(Placeholder placeholder) => Buffer(placeholder).Floats
        ?? throw new InvalidOperationException($"Placeholder '{placeholder.Name}' is fed int32 values; use Ints.");

    /// <summary>The int32 buffer fed to <paramref name="placeholder"/>, (B, example dims...) row-major.</summary>
    public int[] Ints(Placeholder placeholder) => Buffer(placeholder).Ints
        ?? throw new InvalidOperationException($"Placeholder '{placeholder.Name}' is fed float32 values; use Floats.");

    private Tensor Buffer(Placeholder placeholder) => _tensors.TryGetValue(placeholder, out var t) ? t
        : throw new ArgumentException($"Placeholder '{placeholder.Name}' is not declared in these batch feeds.", nameof(placeholder));
}
