namespace RnnNative;

/// <summary>
/// Combines the gradient slab across workers before the update, e.g. the all-reduce mean of data-parallel
/// training (RnnNative.Distributed.GradientAverager). Called once per training step with the whole slab, after the
/// gradients are gathered and before clipping and the optimizer's update, so every worker applies the same step.
/// </summary>
public interface IGradientReducer
{
    /// <summary>Replaces <paramref name="gradients"/> (the whole slab, every rank the same length) in place. Must not allocate.</summary>
    void Reduce(Span<float> gradients);
}
