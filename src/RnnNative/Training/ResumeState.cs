namespace RnnNative.Training;

/// <summary>
/// Everything beyond the weights that an exact resume needs: where the loop stands, the optimizer's moments and
/// step, the dropout masks drawn, early stopping's counters and the caller's own options. Saved beside the weights
/// in a checkpoint (<see cref="Checkpoint.Resume"/>, format version 3); a run restored from it
/// (<see cref="Trainer.Restore"/>) ends bit-identical to one that was never stopped.
/// </summary>
/// <param name="Position">The loop's <see cref="TrainingLoop.State"/> (epoch, batches done in it, step, shuffle seed).</param>
/// <param name="EpochLossSum">The sum of that epoch's batch losses so far (<see cref="TrainingLoop.EpochLossSum"/>).</param>
/// <param name="Optimizer">The optimizer's slots and step count.</param>
public sealed record ResumeState(TrainingState Position, double EpochLossSum, OptimizerState Optimizer)
{
    private static readonly IReadOnlyDictionary<string, long> NoSteps = new Dictionary<string, long>();
    private static readonly IReadOnlyDictionary<string, string> NoOptions = new Dictionary<string, string>();

    /// <summary>Masks drawn by each dropout op (<see cref="RnnNative.DropoutSteps"/>); empty without dropout.</summary>
    public IReadOnlyDictionary<string, long> DropoutSteps { get; init; } = NoSteps;

    /// <summary>Early stopping's counters after the last completed epoch, or null without early stopping.</summary>
    public EarlyStoppingState? Stopping { get; init; }

    /// <summary>Free-form pairs for the caller (the command line saves its options and history here).</summary>
    public IReadOnlyDictionary<string, string> RunOptions { get; init; } = NoOptions;
}
