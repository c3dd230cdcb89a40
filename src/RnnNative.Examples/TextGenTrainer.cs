using System.Diagnostics;
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
    /// <exception cref="ArgumentException">The text is shorter than B·T + 1 characters.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public IReadOnlyList<double> Train(int[] ids, TextGenTrainingOptions options, Action<StepProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        int batch = options.BatchSize, steps = options.Steps;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch, "options.BatchSize");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps, "options.Steps");
        ArgumentOutOfRangeException.ThrowIfNegative(options.Iterations, "options.Iterations");
        int chunks = ChunksPerPass(ids.Length, batch, steps);
        if (chunks == 0)
            throw new ArgumentException($"The training text has {ids.Length} characters; {batch} rows x {steps} steps need at least {MinimumLength(batch, steps)}.", nameof(ids));
        int rowLength = (ids.Length - 1) / batch;
        int[] x = new int[batch * steps], y = new int[batch * steps];
        var feeds = new FeedDict
        {
            [Model.X] = Tensor.FromArray(x, batch, steps), [Model.Y] = Tensor.FromArray(y, batch, steps), [Model.Training] = Tensor.Scalar(1f),
        };
        Node[] fetches = [Model.TrainOp, Model.Loss, .. Model.FinalState];
        var zero = Model.ZeroState(batch);
        for (int p = 0; p < zero.Length; p++) feeds[Model.InitialState[p]] = zero[p];
        var losses = new List<double>(options.Iterations);
        long start = Stopwatch.GetTimestamp();
        for (int step = 0; step < options.Iterations && !cancellation.IsCancellationRequested; step++)
        {
            int chunk = step % chunks;
            FillChunk(ids, rowLength, chunk * steps, batch, steps, x, y);
            var values = session.Run(fetches, feeds);
            float loss = values[1]!.ToScalar();
            if (!float.IsFinite(loss))
                throw new TrainingDivergedException($"The training loss became {loss} at step {step + 1}; try a lower learning rate.");
            losses.Add(loss);
            bool passEnds = chunk == chunks - 1;
            for (int p = 0; p < zero.Length; p++) feeds[Model.InitialState[p]] = passEnds ? zero[p] : values[2 + p]!;
            double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            progress?.Invoke(new StepProgress(step + 1, options.Iterations, loss, (step + 1.0) * batch * steps / Math.Max(elapsed, 1e-9), elapsed));
        }
        return losses;
    }

    // x[b, t] = ids[b·S + offset + t], y[b, t] = ids[b·S + offset + t + 1]
    private static void FillChunk(int[] ids, int rowLength, int offset, int batch, int steps, int[] x, int[] y)
    {
        for (int b = 0; b < batch; b++)
        {
            int from = b * rowLength + offset;
            ids.AsSpan(from, steps).CopyTo(x.AsSpan(b * steps, steps));
            ids.AsSpan(from + 1, steps).CopyTo(y.AsSpan(b * steps, steps));
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
