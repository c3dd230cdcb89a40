namespace RnnNative.Training;

/// <summary>How a <see cref="Trainer"/> runs a <see cref="Models.SequenceClassifier"/>: epochs, batch size, shuffle seed.</summary>
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

/// <summary>Where training stands after one batch (for progress bars and logs).</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">Batches done in this epoch (1-based).</param>
/// <param name="BatchesPerEpoch">Batches in the epoch.</param>
/// <param name="Samples">Items done in this epoch (examples, or what the source counts: <see cref="IBatchSource.ItemsPerExample"/>).</param>
/// <param name="SamplesPerEpoch">Items in the epoch.</param>
/// <param name="MeanLoss">Mean batch loss of the epoch so far.</param>
/// <param name="SamplesPerSecond">Training rate of the epoch so far (items per second).</param>
public readonly record struct TrainingProgress(int Epoch, int Batch, int BatchesPerEpoch, int Samples,
    int SamplesPerEpoch, double MeanLoss, double SamplesPerSecond)
{
    /// <summary>Training steps done in the whole run (1-based).</summary>
    public long Step { get; init; }

    /// <summary>Steps the run will take if not cancelled: the step budget or every batch of every epoch, whichever is fewer.</summary>
    public long PlannedSteps { get; init; }

    /// <summary>This batch's loss, taken before its update.</summary>
    public double Loss { get; init; }

    /// <summary>Wall time since the run started.</summary>
    public double ElapsedSeconds { get; init; }
}

/// <summary>How a <see cref="TrainingLoop"/> runs: its bounds (epochs, steps), batch size and order.</summary>
public sealed record TrainingLoopOptions
{
    /// <summary>Passes over the data; null for no limit (then <see cref="MaxSteps"/> bounds the run).</summary>
    public int? Epochs { get; init; } = 1;

    /// <summary>The step budget across epochs (a run of N iterations); null for none.</summary>
    public long? MaxSteps { get; init; }

    /// <summary>Examples per step B (the last batch of an epoch may be smaller unless <see cref="DropLastPartialBatch"/>).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Seed of the per-epoch shuffle (the order of epoch e depends only on (seed, e)).</summary>
    public ulong ShuffleSeed { get; init; } = 42;

    /// <summary>False keeps the examples in order every epoch (e.g. consecutive text chunks).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Skip the last batch of an epoch when it has fewer than B examples.</summary>
    public bool DropLastPartialBatch { get; init; }
}

/// <summary>
/// Where a <see cref="TrainingLoop"/> stands: what an exact resume would save with the weights and the
/// optimizer's moments (the order of the rest of the epoch follows from (seed, epoch) and the batch index).
/// </summary>
/// <param name="Epoch">The current (or last) 1-based epoch.</param>
/// <param name="Batch">Batches done in that epoch.</param>
/// <param name="Step">Steps done in all.</param>
/// <param name="ShuffleSeed">The seed of the epoch orders.</param>
public readonly record struct TrainingState(int Epoch, int Batch, long Step, ulong ShuffleSeed);

/// <summary>The figures of one epoch of a <see cref="TrainingLoop"/>.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean over the epoch's batches of the batch loss (taken before each update); NaN with no batch.</param>
/// <param name="Batches">Batches trained.</param>
/// <param name="Samples">Items trained (see <see cref="IBatchSource.ItemsPerExample"/>).</param>
/// <param name="SamplesPerSecond">Items per second of training time (evaluation excluded).</param>
/// <param name="ElapsedSeconds">Wall time since the run started, at the end of this epoch (after its evaluation in <see cref="TrainingLoop.Fit"/>).</param>
/// <param name="Completed">False when the epoch was cut short by cancellation or the step budget.</param>
public sealed record EpochResult(int Epoch, double TrainLoss, int Batches, int Samples, double SamplesPerSecond,
    double ElapsedSeconds, bool Completed)
{
    private static readonly IReadOnlyDictionary<string, double> None = new Dictionary<string, double>();

    /// <summary>What <see cref="TrainingLoop.Evaluate"/> returned for this epoch (empty without one).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = None;
}

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
