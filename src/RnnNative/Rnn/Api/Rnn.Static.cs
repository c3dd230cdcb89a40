namespace RnnNative;

/// <summary>Unrolling cells over sequences: <see cref="Static"/> (one graph node per step) and <see cref="Dynamic"/> (one fused node).</summary>
public static partial class Rnn
{
    /// <summary>
    /// <c>static_rnn</c>: unrolls <paramref name="cell"/> over <paramref name="inputs"/> (each (B, I)) as graph
    /// nodes, one step after another. The slow, simple twin of <see cref="Dynamic"/>.
    /// </summary>
    /// <remarks>
    /// With <paramref name="sequenceLength"/> (int32 (B)), as in TensorFlow: outputs at and past an example's
    /// length are 0 and its state stops changing, so the final state is the one at its last valid step.
    /// </remarks>
    public static StaticRnnResult Static(RnnCell cell, IReadOnlyList<Node> inputs, IReadOnlyList<Node>? initialState = null,
        Node? sequenceLength = null, string scope = "rnn")
    {
        if (inputs.Count == 0) throw new ArgumentException("Static RNN needs at least one input step.", nameof(inputs));
        var g = inputs[0].Graph;
        using var _ = g.NameScope(scope);
        cell.EnsureBuilt(g, inputs[0].Shape[-1]);
        return Unroll(cell, inputs, initialState, sequenceLength);
    }

    private static StaticRnnResult Unroll(RnnCell cell, IReadOnlyList<Node> inputs, IReadOnlyList<Node>? initialState, Node? sequenceLength)
    {
        var state = initialState?.ToArray() ?? cell.ZeroState(inputs[0]);
        var outputs = new Node[inputs.Count];
        for (int t = 0; t < inputs.Count; t++)
        {
            var (output, next) = cell.Call(inputs[t], state);
            if (sequenceLength is null) (outputs[t], state) = (output, next);
            else
            {
                outputs[t] = new LengthSelectOp(sequenceLength, t, output, new FillLikeOp(output, 0f));
                for (int p = 0; p < next.Length; p++) next[p] = new LengthSelectOp(sequenceLength, t, next[p], state[p]);
                state = next;
            }
        }
        return new StaticRnnResult(outputs, state);
    }

    /// <summary>Splits (B, T, I) into T nodes of (B, I) (<c>tf.unstack(tf.transpose(X, [1, 0, 2]))</c>).</summary>
    public static IReadOnlyList<Node> Unstack(Node x)
    {
        if (x.Shape.Rank != 3 || x.Shape[1] <= 0 || x.Shape[2] <= 0)
            throw new ArgumentException($"Unstack needs (B, T, I) with T and I known, got {x.Name} {x.Shape}.");
        int steps = x.Shape[1], inputs = x.Shape[2];
        return Ops.Split(x, steps, 1).Select(step => Ops.Reshape(step, new Shape(-1, inputs))).ToArray();
    }
}
