namespace RnnNative;

/// <summary>What <see cref="Rnn.Static"/> returns: one output node per step and the final state.</summary>
public sealed class StaticRnnResult(IReadOnlyList<Node> outputs, IReadOnlyList<Node> states)
{
    /// <summary>Per step, (B, OutputSize).</summary>
    public IReadOnlyList<Node> Outputs { get; } = outputs;

    /// <summary>The final state's parts, (B, H) each: [h], [c, h] for LSTM, every layer's parts for stacked cells.</summary>
    public IReadOnlyList<Node> States { get; } = states;

    /// <summary>The top layer's final h (what the lecture calls <c>states</c>).</summary>
    public Node State => States[^1];

    /// <summary>Deconstructs into (outputs, final h).</summary>
    public void Deconstruct(out IReadOnlyList<Node> outputs, out Node state) => (outputs, state) = (Outputs, State);
}

/// <summary>What <see cref="Rnn.Dynamic"/> returns: all outputs in one node and the final state.</summary>
public sealed class DynamicRnnResult(Node outputs, IReadOnlyList<Node> states)
{
    /// <summary>(B, T, OutputSize), or (T, B, OutputSize) when time-major; exactly 0 at and past each length.</summary>
    public Node Outputs { get; } = outputs;

    /// <summary>The final state's parts, (B, H) each: [h], [c, h] for LSTM, every layer's parts for stacked cells.</summary>
    public IReadOnlyList<Node> States { get; } = states;

    /// <summary>The top layer's final h (what the lecture calls <c>states</c>).</summary>
    public Node State => States[^1];

    /// <summary>Deconstructs into (outputs, final h).</summary>
    public void Deconstruct(out Node outputs, out Node state) => (outputs, state) = (Outputs, State);
}
