namespace RnnNative;

/// <summary>
/// The random state of a session's dropout ops: how many masks each has drawn. A mask depends only on
/// (graph seed, op seed, that count), so these counts are all an exact resume needs to draw the same masks.
/// </summary>
public static class DropoutSteps
{
    /// <summary>Masks drawn so far by every dropout op of <paramref name="session"/>'s graph, by op name (empty without dropout).</summary>
    public static IReadOnlyDictionary<string, long> Capture(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var steps = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var op in session.Graph.Nodes.OfType<DropoutOp>()) steps.Add(op.Name, session.State<DropoutOp.Saved>(op).Step);
        return steps;
    }

    /// <summary>Sets every dropout op's count from <paramref name="steps"/> (as <see cref="Capture"/> returned it).</summary>
    /// <exception cref="ArgumentException">The names do not match the graph's dropout ops, or a count is negative.</exception>
    public static void Restore(Session session, IReadOnlyDictionary<string, long> steps)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(steps);
        var ops = session.Graph.Nodes.OfType<DropoutOp>().ToList();
        if (ops.Count != steps.Count || ops.Any(op => !steps.ContainsKey(op.Name)))
            throw new ArgumentException(
                $"The saved dropout state names [{string.Join(", ", steps.Keys)}] but the graph's dropout ops are [{string.Join(", ", ops.Select(o => o.Name))}].",
                nameof(steps));
        foreach (var op in ops)
        {
            long step = steps[op.Name];
            if (step < 0) throw new ArgumentException($"Dropout op '{op.Name}' has a negative mask count {step}.", nameof(steps));
            session.State<DropoutOp.Saved>(op).Step = step;
        }
    }
}
