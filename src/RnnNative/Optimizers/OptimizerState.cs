namespace RnnNative;

/// <summary>
/// A copy of an optimizer's per-session state: its slots over the parameter slab (Adam: first and second
/// moments) and its step count (from which the learning-rate schedule and Adam's bias corrections follow).
/// </summary>
/// <param name="Slot0">First slot, (slab size), or empty for an optimizer without slots.</param>
/// <param name="Slot1">Second slot, (slab size), or empty.</param>
/// <param name="Step">Updates applied so far.</param>
public sealed record OptimizerState(float[] Slot0, float[] Slot1, long Step)
{
    /// <summary>The state of <paramref name="trainOp"/> (made by <see cref="Optimizer.Minimize"/>) in <paramref name="session"/>.</summary>
    public static OptimizerState Capture(Session session, Node trainOp) => Op(trainOp).Capture(session);

    /// <summary>Puts <paramref name="state"/> into <paramref name="session"/> as <paramref name="trainOp"/>'s state.</summary>
    /// <exception cref="ArgumentException">The slots do not fit this session's parameter slab.</exception>
    public static void Restore(Session session, Node trainOp, OptimizerState state) => Op(trainOp).Restore(session, state);

    private static ApplyGradientsOp Op(Node trainOp) => trainOp as ApplyGradientsOp
        ?? throw new ArgumentException($"{trainOp.Name} is not a training op made by Optimizer.Minimize.", nameof(trainOp));
}
