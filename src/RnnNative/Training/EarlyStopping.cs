namespace RnnNative.Training;

/// <summary>
/// Keras' <c>EarlyStopping(monitor, patience, min_delta)</c> with the best-model choice: watches one named metric
/// of each epoch's evaluation (e.g. <see cref="ValidationLoss"/>), remembers the best epoch and says when
/// <see cref="Patience"/> epochs in a row have not improved on it.
/// </summary>
/// <remarks>
/// An epoch improves when its value is better than the best so far by more than <see cref="MinDelta"/>: lower for
/// a loss, higher for a metric whose name ends in <c>accuracy</c>. The first finite value always improves; NaN never
/// does. Ties keep the earlier epoch. With <see cref="Patience"/> = p, training stops after the epoch that makes
/// p epochs without improvement, so the best epoch is always among the last p + 1 trained.
/// </remarks>
public sealed class EarlyStopping
{
    /// <summary>Metric names of a validation set, as <see cref="Trainer.FitWithValidation"/> reports them.</summary>
    public const string ValidationLoss = "val_loss", ValidationAccuracy = "val_accuracy";

    /// <summary>Watches <paramref name="monitor"/>; stops after <paramref name="patience"/> epochs without improvement (null: never).</summary>
    public EarlyStopping(string monitor = ValidationLoss, int? patience = null, double minDelta = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        if (patience is < 1) throw new ArgumentOutOfRangeException(nameof(patience), patience, "Patience must be >= 1 epoch (null for no early stopping).");
        if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "MinDelta must be >= 0.");
        Monitor = monitor;
        Patience = patience;
        MinDelta = minDelta;
    }

    /// <summary>The metric watched.</summary>
    public string Monitor { get; }

    /// <summary>Epochs without improvement after which to stop; null never stops.</summary>
    public int? Patience { get; }

    /// <summary>The margin an epoch must beat the best by to count as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>True when larger values are better (the monitor's name ends in "accuracy").</summary>
    public bool HigherIsBetter => Monitor.EndsWith("accuracy", StringComparison.OrdinalIgnoreCase);

    /// <summary>The 1-based epoch with the best value so far; 0 before any finite value.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The best value so far (NaN before any).</summary>
    public double BestValue { get; private set; } = double.NaN;

    /// <summary>Epochs observed since the best one.</summary>
    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>Whether the patience is spent.</summary>
    public bool ShouldStop => Patience is int p && EpochsWithoutImprovement >= p;

    /// <summary>The counters an exact resume saves: best epoch, best value, epochs since.</summary>
    public EarlyStoppingState Capture() => new(BestEpoch, BestValue, EpochsWithoutImprovement);

    /// <summary>Sets the counters from <paramref name="state"/> (as <see cref="Capture"/> returned it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative epoch or count.</exception>
    public void Restore(EarlyStoppingState state)
    {
        if (state.BestEpoch < 0 || state.EpochsWithoutImprovement < 0)
            throw new ArgumentOutOfRangeException(nameof(state), state, "Early stopping's best epoch and count must be >= 0.");
        (BestEpoch, BestValue, EpochsWithoutImprovement) = (state.BestEpoch, state.BestValue, state.EpochsWithoutImprovement);
    }

    /// <summary>Records epoch <paramref name="epoch"/>'s metrics; returns whether it is the new best.</summary>
    /// <exception cref="ArgumentException">The metrics do not contain <see cref="Monitor"/>.</exception>
    public bool Observe(int epoch, IReadOnlyDictionary<string, double> metrics)
    {
        if (!metrics.TryGetValue(Monitor, out double value))
            throw new ArgumentException(
                $"Early stopping monitors '{Monitor}', which the evaluation does not report (it reports: {string.Join(", ", metrics.Keys)}).", nameof(metrics));
        bool improved = !double.IsNaN(value) && (BestEpoch == 0 || (HigherIsBetter ? value > BestValue + MinDelta : value < BestValue - MinDelta));
        if (improved)
        {
            BestEpoch = epoch;
            BestValue = value;
            EpochsWithoutImprovement = 0;
        }
        else EpochsWithoutImprovement++;
        return improved;
    }
}

/// <summary>What an <see cref="EarlyStopping"/> remembers between epochs.</summary>
/// <param name="BestEpoch">The 1-based best epoch; 0 before any.</param>
/// <param name="BestValue">Its monitored value (NaN before any).</param>
/// <param name="EpochsWithoutImprovement">Epochs observed since.</param>
public readonly record struct EarlyStoppingState(int BestEpoch, double BestValue, int EpochsWithoutImprovement);
