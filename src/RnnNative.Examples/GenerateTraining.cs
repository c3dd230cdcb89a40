using System.Diagnostics;
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
    private readonly List<Feeds> _feeds = [];
    private readonly Node[] _stepFetches;
    private SplitMix64 _noise;

    /// <summary>Creates a trainer for <paramref name="model"/> in <paramref name="session"/> (variables initialised by the caller).</summary>
    public RowGeneratorTrainer(RowGenerator model, Session session, int batchSize, ulong shuffleSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        (_model, _session, BatchSize, ShuffleSeed) = (model, session, batchSize, shuffleSeed);
        _stepFetches = [model.TrainOp, model.Loss];
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
    public Action<TrainingProgress>? Progress { get; set; }

    /// <summary>One pass over <paramref name="images"/> in a seeded order; the mean batch loss (taken before each update) and whether it finished.</summary>
    public (double MeanLoss, bool Completed) TrainEpoch(Dataset images, int epoch, CancellationToken cancellation = default)
    {
        CheckShape(images);
        var batcher = new Batcher(images.Count, BatchSize, ShuffleSeed);
        batcher.BeginEpoch(epoch - 1);
        long start = Stopwatch.GetTimestamp();
        double sum = 0;
        int done = 0, samples = 0;
        while (done < batcher.BatchesPerEpoch && !cancellation.IsCancellationRequested)
        {
            var feeds = Fill(images, batcher.BatchIndices(done));
            float loss = _session.Run(_stepFetches, feeds.Dict)[1]!.ToScalar();
            if (!float.IsFinite(loss))
                throw new TrainingDivergedException($"The generator's loss became {loss} at epoch {epoch}, batch {done + 1}; try a lower learning rate.");
            (sum, done, samples) = (sum + loss, done + 1, samples + feeds.Size);
            double rate = samples / Math.Max(Stopwatch.GetElapsedTime(start).TotalSeconds, 1e-9);
            Progress?.Invoke(new TrainingProgress(epoch, done, batcher.BatchesPerEpoch, samples, images.Count, sum / done, rate));
        }
        return (done == 0 ? double.NaN : sum / done, done == batcher.BatchesPerEpoch);
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
            sum += (double)_session.Run(_model.Loss, feeds.Dict)!.ToScalar() * feeds.Size;
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

    private Feeds Fill(Dataset images, ReadOnlySpan<int> indices)
    {
        int size = indices.Length;
        var feeds = _feeds.Find(f => f.Size == size);
        if (feeds is null) _feeds.Add(feeds = new Feeds(_model, size));
        images.Gather(indices, feeds.Targets, feeds.Labels);
        var o = _model.Options;
        Array.Clear(feeds.Condition);
        for (int b = 0; b < feeds.Size; b++) feeds.Condition[b * o.Classes + feeds.Labels[b]] = 1f;
        if (feeds.Previous is { } previous)
        {
            // previous[b, 0, :] = 0; previous[b, t, :] = targets[b, t − 1, :]
            int image = o.Rows * o.Columns;
            for (int b = 0; b < feeds.Size; b++)
            {
                previous.AsSpan(b * image, o.Columns).Clear();
                var source = feeds.Targets.AsSpan(b * image, image - o.Columns);
                var destination = previous.AsSpan(b * image + o.Columns, image - o.Columns);
                if (!BinarizeInputs) source.CopyTo(destination);
                else for (int i = 0; i < source.Length; i++) destination[i] = _noise.NextSingle() < source[i] ? 1f : 0f;
            }
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

    // The fed arrays of one batch size, allocated once and refilled: a fed tensor is read in place.
    private sealed class Feeds
    {
        public Feeds(RowGenerator model, int size)
        {
            var o = model.Options;
            Size = size;
            Targets = new float[size * o.Rows * o.Columns];
            Labels = new int[size];
            Condition = new float[size * o.Classes];
            Dict = new FeedDict
            {
                [model.Targets] = Tensor.FromArray(Targets, size, o.Rows, o.Columns),
                [model.Condition] = Tensor.FromArray(Condition, size, o.Classes),
            };
            if (model.Previous is not null)
            {
                Previous = new float[Targets.Length];
                Dict[model.Previous] = Tensor.FromArray(Previous, size, o.Rows, o.Columns);
            }
        }

        public int Size { get; }
        public float[] Targets { get; }
        public int[] Labels { get; }
        public float[] Condition { get; }
        public float[]? Previous { get; }
        public FeedDict Dict { get; }
    }
}
