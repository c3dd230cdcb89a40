using RnnNative.Training;

namespace RnnNative.Examples;

/// <summary>How <see cref="TextGenTrainer.Train"/> runs.</summary>
public sealed record TextGenTrainingOptions
{
    /// <summary>Training steps (Adam updates).</summary>
    public int Iterations { get; init; } = 1000;

    /// <summary>B, rows per batch: the text is cut into B consecutive streams.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>T, characters per row per step: the truncation length of back-propagation through time.</summary>
    public int Steps { get; init; } = 64;
}

/// <summary>
/// Trains a <see cref="TextGenModel"/> by truncated back-propagation through time and scores it in bits per
/// character.
/// </summary>
/// <remarks>
/// The training ids (length L) are cut into B rows of S = ⌊(L − 1) / B⌋ consecutive characters; step c of a
/// pass feeds chunk c of every row, x[b, t] = ids[b·S + c·T + t] and y[b, t] = ids[b·S + c·T + t + 1], with
/// the final state of chunk c − 1 fed as the initial state (a value, so gradients stop at the chunk boundary).
/// A pass has C = ⌊S / T⌋ chunks (the last target of row b is ids[b·S + C·T] ≤ ids[L − 1]); the next pass
/// restarts from the zero state. The fetched final state is fed back as it is returned, so carrying it costs
/// one (B, H) copy per state part per step. The caller initialises (or restores) the variables first.
/// </remarks>
public sealed class TextGenTrainer(TextGenModel model, Session session)
{
    /// <summary>The model.</summary>
    public TextGenModel Model { get; } = model;

    /// <summary>Chunks of T characters per row in one pass over <paramref name="length"/> ids (0 when it does not fit).</summary>
    public static int ChunksPerPass(int length, int batch, int steps) => length < 2 ? 0 : (length - 1) / batch / steps;

    /// <summary>The fewest ids one training step of (B, T) needs: B·T + 1.</summary>
    public static long MinimumLength(int batch, int steps) => (long)batch * steps + 1;

    /// <summary>
    /// Runs <see cref="TextGenTrainingOptions.Iterations"/> steps over <paramref name="ids"/>; returns each
    /// step's mean loss in nats per character (taken before its update).
    /// </summary>
    /// <remarks>Progress counts characters: a step trains B·T of them, a pass (an epoch of the loop) C chunks.</remarks>
    /// <exception cref="ArgumentException">The text is shorter than B·T + 1 characters.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public IReadOnlyList<double> Train(int[] ids, TextGenTrainingOptions options, Action<TrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        int batch = options.BatchSize, steps = options.Steps;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch, "options.BatchSize");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps, "options.Steps");
        ArgumentOutOfRangeException.ThrowIfNegative(options.Iterations, "options.Iterations");
        if (ChunksPerPass(ids.Length, batch, steps) == 0)
            throw new ArgumentException($"The training text has {ids.Length} characters; {batch} rows x {steps} steps need at least {MinimumLength(batch, steps)}.", nameof(ids));
        // One loop "example" is one chunk of all B rows, taken in order: an epoch is a pass over the text.
        var loop = new TrainingLoop(session, Model.TrainOp, Model.Loss,
            new TrainingLoopOptions { Epochs = null, MaxSteps = options.Iterations, BatchSize = 1, Shuffle = false }, Model.FinalState);
        var losses = new List<double>(options.Iterations);
        loop.Progress = p =>
        {
            losses.Add(p.Loss);
            progress?.Invoke(p);
        };
        loop.Fit(new ChunkFeeds(Model, ids, batch, steps), cancellation);
        return losses;
    }

    // Chunk c of every row: x[b, t] = ids[b·S + c·T + t], y[b, t] = ids[b·S + c·T + t + 1]; the initial state is
    // zero at c = 0, else the final state of chunk c − 1 (a fetched value, so gradients stop at the boundary).
    private sealed class ChunkFeeds : IBatchSource
    {
        private readonly TextGenModel _model;
        private readonly int[] _ids;
        private readonly int _rows, _steps, _rowLength;
        private readonly BatchFeeds _feeds;
        private readonly Tensor[] _zero, _carried;

        public ChunkFeeds(TextGenModel model, int[] ids, int rows, int steps)
        {
            (_model, _ids, _rows, _steps) = (model, ids, rows, steps);
            _rowLength = (ids.Length - 1) / rows;
            Count = ChunksPerPass(ids.Length, rows, steps);
            _feeds = new BatchFeeds().Add(model.X, steps).Add(model.Y, steps);
            _feeds.SetFixed(model.Training, Tensor.Scalar(1f));
            _zero = model.ZeroState(rows);
            _carried = (Tensor[])_zero.Clone();
        }

        public int Count { get; }

        public int ItemsPerExample => _rows * _steps;

        public FeedBatch Fill(ReadOnlySpan<int> indices)
        {
            int chunk = indices[0];
            var batch = _feeds.For(_rows);
            int[] x = batch.Ints(_model.X), y = batch.Ints(_model.Y);
            for (int b = 0; b < _rows; b++)
            {
                int from = b * _rowLength + chunk * _steps;
                _ids.AsSpan(from, _steps).CopyTo(x.AsSpan(b * _steps, _steps));
                _ids.AsSpan(from + 1, _steps).CopyTo(y.AsSpan(b * _steps, _steps));
            }
            for (int p = 0; p < _zero.Length; p++) batch.Feeds[_model.InitialState[p]] = chunk == 0 ? _zero[p] : _carried[p];
            return batch;
        }

        public void StepCompleted(FeedBatch batch, ReadOnlySpan<Tensor?> finalState)
        {
            for (int p = 0; p < _carried.Length; p++) _carried[p] = finalState[p]!;
        }
    }

    /// <summary>
    /// Bits per character on <paramref name="ids"/>: the model reads them as one stream from the zero state,
    /// <paramref name="chunk"/> characters per run with the state carried, and every character after the
    /// first is scored: −Σ log₂ p(c_{k+1} | c_0..c_k) / (n − 1).
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 2 ids.</exception>
    public double BitsPerCharacter(int[] ids, int chunk = 256)
    {
        if (ids.Length < 2) throw new ArgumentException($"Scoring needs at least 2 characters, got {ids.Length}.", nameof(ids));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunk);
        var feeds = new FeedDict();
        var state = Model.ZeroState(1);
        Node[] fetches = [Model.Loss, .. Model.FinalState];
        double nats = 0;
        for (int from = 0; from < ids.Length - 1; from += chunk)
        {
            int n = Math.Min(chunk, ids.Length - 1 - from);
            feeds[Model.X] = Tensor.FromArray(ids[from..(from + n)], 1, n);
            feeds[Model.Y] = Tensor.FromArray(ids[(from + 1)..(from + n + 1)], 1, n);
            for (int p = 0; p < state.Length; p++) feeds[Model.InitialState[p]] = state[p];
            var values = session.Run(fetches, feeds);
            nats += values[0]!.ToScalar() * (double)n;
            for (int p = 0; p < state.Length; p++) state[p] = values[1 + p]!;
        }
        return nats / (ids.Length - 1) / Math.Log(2);
    }
}
