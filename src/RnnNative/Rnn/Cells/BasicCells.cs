namespace RnnNative;

/// <summary>TF1 <c>BasicRNNCell</c>: h' = act([x, h]·K + b).</summary>
/// <remarks>
/// K: [I + H, H] (rows 0..I−1 act on x, rows I..I+H−1 on h: two contiguous row-major views of one buffer),
/// Glorot uniform; b: [H], zeros. Output = new state = h'.
/// </remarks>
public sealed class BasicRnnCell(int numUnits, Activation activation = Activation.Tanh, string name = "basic_rnn_cell")
    : RnnCell(numUnits, name)
{
    /// <summary>The activation.</summary>
    public Activation Activation { get; } = activation;

    private protected override Variable[] Build(Graph g, int inputSize) =>
    [
        g.Variable("kernel", new Shape(inputSize + NumUnits, NumUnits), Initializer.GlorotUniform()),
        g.Variable("bias", new Shape(NumUnits), Initializer.Zeros),
    ];

    /// <inheritdoc />
    public override (Node Output, Node[] State) Call(Node input, Node[] state)
    {
        CheckState(input, state);
        var pre = Ops.Add(Ops.MatMul(Ops.Concat([input, state[0]], 1), Variables[0]), Variables[1]);
        var h = Activation == Activation.Tanh ? Ops.Tanh(pre) : Ops.Relu(pre);
        return (h, [h]);
    }

    internal override FusedCell Fused => new(
        Activation == Activation.Tanh ? Kernels.RnnCellKind.BasicTanh : Kernels.RnnCellKind.BasicRelu, [.. Variables]);
}

/// <summary>TF1 <c>BasicLSTMCell</c>: gates i, j, f, o from one kernel; state (c, h).</summary>
/// <remarks>
/// [i, j, f, o] = split([x, h]·K + b, 4) with K: [I + H, 4H], b: [4H] zeros;
/// c' = c·σ(f + forget_bias) + σ(i)·tanh(j); h' = tanh(c')·σ(o). Output = h'. forget_bias defaults to 1.
/// </remarks>
public sealed class BasicLstmCell(int numUnits, float forgetBias = 1f, string name = "basic_lstm_cell")
    : RnnCell(numUnits, name)
{
    /// <summary>Added to the forget gate's pre-activation.</summary>
    public float ForgetBias { get; } = forgetBias;

    /// <inheritdoc />
    public override int StateParts => 2;

    private protected override Variable[] Build(Graph g, int inputSize) =>
    [
        g.Variable("kernel", new Shape(inputSize + NumUnits, 4 * NumUnits), Initializer.GlorotUniform()),
        g.Variable("bias", new Shape(4 * NumUnits), Initializer.Zeros),
    ];

    /// <inheritdoc />
    public override (Node Output, Node[] State) Call(Node input, Node[] state)
    {
        CheckState(input, state);
        Node c = state[0], h = state[1];
        var z = Ops.Add(Ops.MatMul(Ops.Concat([input, h], 1), Variables[0]), Variables[1]);
        var gates = Ops.Split(z, 4, 1);
        var forget = Ops.Sigmoid(Ops.Add(gates[2], input.Graph.Constant(ForgetBias)));
        var newC = Ops.Add(Ops.Multiply(c, forget), Ops.Multiply(Ops.Sigmoid(gates[0]), Ops.Tanh(gates[1])));
        var newH = Ops.Multiply(Ops.Tanh(newC), Ops.Sigmoid(gates[3]));
        return (newH, [newC, newH]);
    }

    internal override FusedCell Fused => new(Kernels.RnnCellKind.Lstm, [.. Variables], ForgetBias);
}

/// <summary>TF1 <c>GRUCell</c>.</summary>
/// <remarks>
/// [r, u] = σ([x, h]·K_g + b_g) with K_g: [I + H, 2H], b_g: [2H] initialised to 1;
/// c = tanh([x, r·h]·K_c + b_c) with K_c: [I + H, H], b_c zeros; h' = u·h + (1 − u)·c. Output = h'.
/// </remarks>
public sealed class GruCell(int numUnits, string name = "gru_cell") : RnnCell(numUnits, name)
{
    private protected override Variable[] Build(Graph g, int inputSize)
    {
        Variable gk, gb, ck, cb;
        using (g.NameScope("gates"))
        {
            gk = g.Variable("kernel", new Shape(inputSize + NumUnits, 2 * NumUnits), Initializer.GlorotUniform());
            gb = g.Variable("bias", new Shape(2 * NumUnits), Initializer.Ones);
        }
        using (g.NameScope("candidate"))
        {
            ck = g.Variable("kernel", new Shape(inputSize + NumUnits, NumUnits), Initializer.GlorotUniform());
            cb = g.Variable("bias", new Shape(NumUnits), Initializer.Zeros);
        }
        return [gk, gb, ck, cb];
    }

    /// <inheritdoc />
    public override (Node Output, Node[] State) Call(Node input, Node[] state)
    {
        CheckState(input, state);
        var h = state[0];
        var gates = Ops.Sigmoid(Ops.Add(Ops.MatMul(Ops.Concat([input, h], 1), Variables[0]), Variables[1]));
        var ru = Ops.Split(gates, 2, 1);
        var candidate = Ops.Tanh(Ops.Add(Ops.MatMul(Ops.Concat([input, Ops.Multiply(ru[0], h)], 1), Variables[2]), Variables[3]));
        // h' = u·h + (1 − u)·c = c + u·(h − c)
        var newH = Ops.Add(candidate, Ops.Multiply(ru[1], Ops.Subtract(h, candidate)));
        return (newH, [newH]);
    }

    internal override FusedCell Fused => new(Kernels.RnnCellKind.Gru, [.. Variables]);
}
