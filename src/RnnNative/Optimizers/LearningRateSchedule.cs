namespace RnnNative;

/// <summary>
/// A learning-rate schedule: the factor an <see cref="Optimizer"/>'s learning rate is multiplied by before
/// each update, as a function of the number of updates already done (TF1's <c>global_step</c>).
/// </summary>
/// <remarks>Set it with <see cref="Optimizer.Schedule"/>; <see cref="Factor"/> is called once per update and must not allocate.</remarks>
public abstract class LearningRateSchedule
{
    /// <summary>The factor for the update that follows <paramref name="updatesDone"/> (≥ 0) earlier ones.</summary>
    public abstract float Factor(long updatesDone);
}

/// <summary>Cosine decay from the full rate to <see cref="Alpha"/> times it (TF1 <c>tf.train.cosine_decay</c>).</summary>
/// <remarks>
/// With s = min(updatesDone, D) and D = <see cref="DecaySteps"/>:
/// factor = (1 − α)·½(1 + cos(π·s/D)) + α, so 1 at the first update, α from update D + 1 on.
/// </remarks>
public sealed class CosineDecay : LearningRateSchedule
{
    /// <summary>A decay over <paramref name="decaySteps"/> updates to the floor <paramref name="alpha"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">decaySteps not positive, or alpha outside [0, 1].</exception>
    public CosineDecay(long decaySteps, float alpha = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decaySteps);
        if (!(alpha >= 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The floor alpha must be in [0, 1].");
        DecaySteps = decaySteps;
        Alpha = alpha;
    }

    /// <summary>D, the updates over which the factor falls from 1 to α.</summary>
    public long DecaySteps { get; }

    /// <summary>α, the final factor.</summary>
    public float Alpha { get; }

    /// <inheritdoc/>
    public override float Factor(long updatesDone)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(updatesDone);
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * Math.Min(updatesDone, DecaySteps) / DecaySteps));
        return (float)((1 - Alpha) * cosine + Alpha);
    }
}
