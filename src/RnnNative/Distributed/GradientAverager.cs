namespace RnnNative.Distributed;

/// <summary>
/// The gradient reducer of data-parallel training: g ← (1/N)·Σ_r g_r over the whole slab, one all-reduce per step.
/// With equal per-rank batches b = B/N this is the gradient of the mean loss over the global batch B.
/// </summary>
/// <example><c>optimizer.GradientReducer = new GradientAverager(communicator);</c></example>
public sealed class GradientAverager(ICommunicator communicator) : IGradientReducer
{
    /// <summary>The communicator the gradients are averaged over.</summary>
    public ICommunicator Communicator { get; } = communicator;

    public void Reduce(Span<float> gradients) => Communicator.AllReduceMean(gradients);
}
