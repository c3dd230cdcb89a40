namespace RnnNative;

/// <summary>
/// Combines the gradient slab across workers before the update, e.g. the all-reduce mean of data-parallel
/// training (RnnNative.Distributed.GradientAverager). Called once per training step with the whole slab followed by
/// the step's loss and a stop flag, after the gradients are gathered and before clipping and the optimizer's update, so every worker
/// applies the same step and one collective also gives the global loss.
/// </summary>
public interface IGradientReducer
{
    /// <summary>
    /// Replaces <paramref name="gradientsAndLoss"/> in place: the whole gradient slab (every rank the same length),
    /// then one float, the loss of this worker's batch (the training loop reports the reduced value), then one float,
    /// 1 when this worker was asked to stop, else 0 (every element combined alike, e.g. the mean: the reduced flag is
    /// &gt; 0 when any worker was asked, and the training loop then stops after this step on every worker). Must not allocate.
    /// </summary>
    void Reduce(Span<float> gradientsAndLoss);
}
