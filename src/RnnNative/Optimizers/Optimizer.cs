namespace RnnNative;

/// <summary>
/// Base of the optimizers: <see cref="Minimize"/> builds the gradients of a loss and one training op that
/// gathers them into the session's gradient slab, optionally clips them by global norm, and updates the
/// variables with one vectorised pass per contiguous run of the parameter slab.
/// </summary>
public abstract class Optimizer(float learningRate)
{
    /// <summary>The step size lr (before <see cref="Schedule"/>).</summary>
    public float LearningRate { get; } = learningRate;

    /// <summary>Multiplies <see cref="LearningRate"/> before each update (null: constant), e.g. <see cref="CosineDecay"/>.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Clip gradients so that their global L2 norm is at most this (null: no clipping).</summary>
    public float? ClipNorm { get; init; }

    /// <summary>
    /// Called once per update with the whole gradient slab and the loss after it, before clipping and the update
    /// (null: none); set it before the first training step. Data-parallel training sets the all-reduce mean here.
    /// </summary>
    public IGradientReducer? GradientReducer { get; set; }

    /// <summary>The training op: running it performs one update of <paramref name="varList"/> (default: all trainable variables).</summary>
    public Operation Minimize(Node loss, IReadOnlyList<Variable>? varList = null)
    {
        var variables = (varList ?? loss.Graph.TrainableVariables).ToArray();
        if (variables.Length == 0) throw new ArgumentException("Minimize: there are no variables to train.");
        var grads = loss.Graph.Gradients(loss, variables);
        return new ApplyGradientsOp(this, variables, grads, loss);
    }

    /// <summary>Number of slab-sized state vectors (slots) the optimizer keeps, e.g. 2 for Adam's m and v.</summary>
    internal abstract int SlotCount { get; }

    /// <summary>The value slot <paramref name="slot"/> starts from (0, except TF1 RMSProp's mean square, which starts at 1).</summary>
    internal virtual float InitialSlotValue(int slot) => 0f;

    /// <summary>The learning rate of the update that follows <paramref name="updatesDone"/> earlier ones: lr·schedule(updatesDone).</summary>
    internal float LearningRateAt(long updatesDone) => Schedule is null ? LearningRate : LearningRate * Schedule.Factor(updatesDone);

    /// <summary>
    /// Updates θ in place over one contiguous run: θ, g and every slot are spans of the same length.
    /// <paramref name="lr"/> is this update's learning rate (<see cref="LearningRateAt"/>), <paramref name="step"/> the 1-based update count.
    /// </summary>
    internal abstract void Update(Span<float> theta, ReadOnlySpan<float> g, Span<float> slot0, Span<float> slot1, float lr, long step);
}
