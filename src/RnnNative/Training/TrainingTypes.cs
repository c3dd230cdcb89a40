namespace RnnNative.Training;

/// <summary>How a <see cref="Trainer"/> runs: epochs, batch size, shuffle seed.</summary>
public sealed record TrainerOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 12;

    /// <summary>Training examples per step B (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; init; } = 150;

    /// <summary>Examples per evaluation batch; null uses <see cref="BatchSize"/>.</summary>
    public int? EvalBatchSize { get; init; }

    /// <summary>Seed of the per-epoch shuffle (the order of epoch e depends only on (seed, e)).</summary>
    public ulong ShuffleSeed { get; init; } = 42;

    /// <summary>The evaluation batch size in effect.</summary>
    public int EffectiveEvalBatchSize => EvalBatchSize ?? BatchSize;
}

/// <summary>The figures of one epoch (one row of <c>metrics.csv</c>).</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean over the epoch's batches of the batch loss (taken before each update).</param>
/// <param name="TestLoss">Mean cross-entropy over the test set (NaN without one).</param>
/// <param name="TestAccuracy">Fraction of the test set classified correctly (NaN without one).</param>
/// <param name="SamplesPerSecond">Training examples per second of training time (evaluation excluded).</param>
/// <param name="ElapsedSeconds">Wall time since training started, at the end of this epoch.</param>
/// <param name="Completed">False when the epoch was cut short by cancellation.</param>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double TestLoss, double TestAccuracy,
    double SamplesPerSecond, double ElapsedSeconds, bool Completed = true);

/// <summary>Where training stands after one batch (for progress bars).</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">Batches done in this epoch (1-based).</param>
/// <param name="BatchesPerEpoch">Batches in the epoch.</param>
/// <param name="Samples">Examples done in this epoch.</param>
/// <param name="SamplesPerEpoch">Examples in the epoch.</param>
/// <param name="MeanLoss">Mean batch loss of the epoch so far.</param>
/// <param name="SamplesPerSecond">Training rate of the epoch so far.</param>
public readonly record struct TrainingProgress(int Epoch, int Batch, int BatchesPerEpoch, int Samples,
    int SamplesPerEpoch, double MeanLoss, double SamplesPerSecond);

/// <summary>The result of evaluating a model on a data set.</summary>
/// <param name="Loss">Mean cross-entropy over all examples.</param>
/// <param name="Correct">Examples whose label is the top class (<c>in_top_k</c>, k = 1).</param>
/// <param name="Count">Examples evaluated.</param>
/// <param name="Predictions">Arg-max class per example (N), or null when not asked for.</param>
public sealed record Evaluation(double Loss, int Correct, int Count, int[]? Predictions)
{
    /// <summary>Correct / Count (NaN for an empty set).</summary>
    public double Accuracy => Count == 0 ? double.NaN : (double)Correct / Count;
}
