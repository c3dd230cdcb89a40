using RnnNative.Data;
using RnnNative.Training;

namespace RnnNative.Examples;

/// <summary>What a generated row feeds back into the next step of a <see cref="RowGeneratorForm.Feedback"/> model.</summary>
public enum RowSampling
{
    /// <summary>The predicted grey levels σ(logits) themselves: deterministic, one image per class.</summary>
    Mean,

    /// <summary>
    /// Each pixel drawn 0 or 1 with probability σ(logit): different draws make different images of a class, since
    /// every later row follows the sampled ones.
    /// </summary>
    Bernoulli,
}

/// <summary>
/// Trains a <see cref="RowGenerator"/> on labelled images (teacher forcing) and generates images from classes.
/// </summary>
/// <remarks>
/// Images come as a <see cref="Dataset"/> of N images, T rows of W pixels in [0, 1] (e.g.
/// <see cref="MnistDataset.AsDataset"/>). Each batch fills fixed buffers in place: targets (B, T, W), the
/// condition one-hot (B, K) and, for the feedback form, the previous rows (B, T, W) = targets shifted down one
/// row with a zero row at t = 0. Generation returns what the model predicts, σ(logits) (N, T, W); with
/// <see cref="RowSampling.Bernoulli"/> the row fed back is a 0/1 sample of it, while the returned image keeps
/// the grey levels (the expected image given the rows drawn above).
/// </remarks>
public sealed class RowGeneratorTrainer
{
    private readonly RowGenerator _model;
    private readonly Session _session;
    private readonly BatchFeeds _feeds;
    private readonly int[] _labels;
    private readonly TrainingLoop _loop;
    private SplitMix64 _noise;

    /// <summary>Creates a trainer for <paramref name="model"/> in <paramref name="session"/> (variables initialised by the caller).</summary>
    public RowGeneratorTrainer(RowGenerator model, Session session, int batchSize, ulong shuffleSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        (_model, _session, BatchSize, ShuffleSeed) = (model, session, batchSize, shuffleSeed);
        _feeds = new BatchFeeds().Add(model.Targets).Add(model.Condition);
        if (model.Previous is not null) _feeds.Add(model.Previous);
        _labels = new int[batchSize];
        _loop = new TrainingLoop(session, model.TrainOp, model.Loss, new TrainingLoopOptions { BatchSize = batchSize, ShuffleSeed = shuffleSeed });
        _noise = new SplitMix64(SeedMixer.Mix(shuffleSeed, 0x5EED));
    }

    /// <summary>Images per training step.</summary>
    public int BatchSize { get; }

    /// <summary>Seed of the per-epoch shuffle.</summary>
    public ulong ShuffleSeed { get; }

    /// <summary>
    /// Feed 0/1 draws of the previous true rows instead of their grey levels (each pixel 1 with probability its
    /// grey level, drawn afresh every batch): the inputs <see cref="RowSampling.Bernoulli"/> generation feeds back.
    /// </summary>
    public bool BinarizeInputs { get; init; }

    /// <summary>Called after every training batch.</summary>
    public Action<TrainingProgress>? Progress
    {
        get => _loop.Progress;
        set => _loop.Progress = value;
    }

    /// <summary>One pass over <paramref name="images"/> in a seeded order; the mean batch loss (taken before each update) and whether it finished.</summary>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public (double MeanLoss, bool Completed) TrainEpoch(Dataset images, int epoch, CancellationToken cancellation = default)
    {
        CheckShape(images);
        var result = _loop.TrainEpoch(new ImageFeeds(this, images), epoch, cancellation);
        return (result.TrainLoss, result.Completed);
    }

    /// <summary>Mean per-pixel loss over every image of <paramref name="images"/> (teacher forced), in batches, in order.</summary>
    public double Evaluate(Dataset images)
    {
        CheckShape(images);
        var batcher = new Batcher(images.Count, BatchSize, seed: 0, shuffle: false);
        double sum = 0;
        for (int b = 0; b < batcher.BatchesPerEpoch; b++)
        {
            var feeds = Fill(images, batcher.BatchIndices(b));
            sum += (double)_session.Run(_model.Loss, feeds.Feeds)!.ToScalar() * feeds.Size;
        }
        return images.Count == 0 ? double.NaN : sum / images.Count;
    }

    /// <summary>Generates one image per entry of <paramref name="classes"/>: (N, T, W) grey levels in [0, 1].</summary>
    /// <param name="classes">The class of each image, each in [0, K).</param>
    /// <param name="sampling">What the feedback form feeds back (ignored by <see cref="RowGeneratorForm.RepeatVector"/>, which is deterministic).</param>
    /// <param name="seed">Seed of the Bernoulli draws.</param>
    public float[] Generate(IReadOnlyList<int> classes, RowSampling sampling, ulong seed)
    {
        var o = _model.Options;
        int n = classes.Count;
        var condition = new float[n * o.Classes];
        for (int i = 0; i < n; i++)
        {
            if ((uint)classes[i] >= (uint)o.Classes) throw new ArgumentOutOfRangeException(nameof(classes), classes[i], $"A class is outside [0, {o.Classes}).");
            condition[i * o.Classes + classes[i]] = 1f;
        }
        var feeds = new FeedDict { [_model.Condition] = Tensor.FromArray(condition, n, o.Classes) };
        if (o.Form == RowGeneratorForm.RepeatVector) return _session.Run(_model.Pixels, feeds)!.ToFloatArray();
        return Unroll(feeds, n, sampling, seed);
    }

    // Feedback generation: h0 from the condition, then per row one step fed with the previous (sampled) row.
    private float[] Unroll(FeedDict feeds, int n, RowSampling sampling, ulong seed)
    {
        var o = _model.Options;
        var m = _model;
        var images = new float[n * o.Rows * o.Columns];
        var states = _session.Run(m.InitialStates!, feeds);
        var row = new float[n * o.Columns];
        var fetches = new List<Node> { m.StepPixels! };
        fetches.AddRange(m.NextStates!);
        var rng = new SplitMix64(seed);
        for (int t = 0; t < o.Rows; t++)
        {
            feeds[m.StepRow!] = Tensor.FromArray(row, n, o.Columns);
            for (int i = 0; i < states.Length; i++) feeds[m.StepStates![i]] = states[i]!;
            var values = _session.Run(fetches, feeds);
            float[] pixels = values[0]!.ToFloatArray();
            for (int b = 0; b < n; b++) pixels.AsSpan(b * o.Columns, o.Columns).CopyTo(images.AsSpan((b * o.Rows + t) * o.Columns, o.Columns));
            row = sampling == RowSampling.Mean ? pixels : Array.ConvertAll(pixels, p => rng.NextSingle() < p ? 1f : 0f);
            states = values[1..];
        }
        return images;
    }

    // Targets (B, T, W) and labels from the images, the one-hot condition (B, K), and for the feedback form
    // the previous rows (B, T, W): previous[b, 0, :] = 0, previous[b, t, :] = targets[b, t − 1, :] (or a 0/1 draw).
    private FeedBatch Fill(Dataset images, ReadOnlySpan<int> indices)
    {
        int size = indices.Length;
        var feeds = _feeds.For(size);
        var labels = _labels.AsSpan(0, size);
        float[] targets = feeds.Floats(_model.Targets), condition = feeds.Floats(_model.Condition);
        images.Gather(indices, targets, labels);
        var o = _model.Options;
        Array.Clear(condition);
        for (int b = 0; b < size; b++) condition[b * o.Classes + labels[b]] = 1f;
        if (_model.Previous is null) return feeds;
        float[] previous = feeds.Floats(_model.Previous);
        int image = o.Rows * o.Columns;
        for (int b = 0; b < size; b++)
        {
            previous.AsSpan(b * image, o.Columns).Clear();
            var source = targets.AsSpan(b * image, image - o.Columns);
            var destination = previous.AsSpan(b * image + o.Columns, image - o.Columns);
            if (!BinarizeInputs) source.CopyTo(destination);
            else for (int i = 0; i < source.Length; i++) destination[i] = _noise.NextSingle() < source[i] ? 1f : 0f;
        }
        return feeds;
    }

    private void CheckShape(Dataset images)
    {
        var o = _model.Options;
        if (images.Steps != o.Rows || images.Inputs != o.Columns)
            throw new ArgumentException($"The images are {images.Steps} x {images.Inputs} but the generator makes {o.Rows} x {o.Columns}.");
        if (images.Classes > o.Classes)
            throw new ArgumentException($"The images have {images.Classes} classes but the generator is conditioned on {o.Classes}.");
    }

    private sealed class ImageFeeds(RowGeneratorTrainer trainer, Dataset images) : IBatchSource
    {
        public int Count => images.Count;
        public FeedBatch Fill(ReadOnlySpan<int> indices) => trainer.Fill(images, indices);
    }
}
