namespace RnnNative;

/// <summary>
/// TF1 <c>LSTMCell</c> with its options: peephole connections, cell clipping and an output projection.
/// Without options it computes exactly what <see cref="BasicLstmCell"/> does (which has a fused kernel; this
/// cell is unrolled as a composition of ops).
/// </summary>
/// <remarks>
/// [i, j, f, o] = split([x, m]·K + b, 4), K: [I + P, 4H] (P = numProj, else H), b: [4H] zeros;
/// c' = σ(f + forget_bias + w_f⊙c)⊙c + σ(i + w_i⊙c)⊙tanh(j)  (peepholes w_i, w_f, w_o: [H], only with usePeepholes);
/// c' = clip(c', −cellClip, cellClip) when cellClip is set;
/// m' = σ(o + w_o⊙c')⊙tanh(c'), then m' = m'·W_proj (W_proj: [H, P], <c>projection/kernel</c>) and
/// m' = clip(m', −projClip, projClip) when set. State (c: H, m: P); output m'.
/// </remarks>
public sealed class LstmCell(int numUnits, bool usePeepholes = false, float? cellClip = null, int? numProj = null,
    float? projClip = null, float forgetBias = 1f, string name = "lstm_cell") : RnnCell(numUnits, name)
{
    /// <summary>Whether the gates see the cell state (diagonal peephole weights).</summary>
    public bool UsePeepholes { get; } = usePeepholes;
    /// <summary>The cell state is clipped to ±this (null: no clipping).</summary>
    public float? CellClip { get; } = cellClip is null or > 0 ? cellClip : throw new ArgumentOutOfRangeException(nameof(cellClip));
    /// <summary>Size of the projected output (null: no projection).</summary>
    public int? NumProj { get; } = numProj is null or > 0 ? numProj : throw new ArgumentOutOfRangeException(nameof(numProj));
    /// <summary>The projected output is clipped to ±this (null: no clipping).</summary>
    public float? ProjClip { get; } = projClip is null or > 0 ? projClip : throw new ArgumentOutOfRangeException(nameof(projClip));
    /// <summary>Added to the forget gate's pre-activation.</summary>
    public float ForgetBias { get; } = forgetBias;

    /// <inheritdoc />
    public override int OutputSize => NumProj ?? NumUnits;
    /// <inheritdoc />
    public override int StateParts => 2;
    /// <inheritdoc />
    public override int StateSize(int part) => part == 0 ? NumUnits : OutputSize;

    private protected override Variable[] Build(Graph g, int inputSize)
    {
        var variables = new List<Variable>
        {
            g.Variable("kernel", new Shape(inputSize + OutputSize, 4 * NumUnits), Initializer.GlorotUniform()),
            g.Variable("bias", new Shape(4 * NumUnits), Initializer.Zeros),
        };
        if (UsePeepholes)
            foreach (var diag in new[] { "w_i_diag", "w_f_diag", "w_o_diag" })
                variables.Add(g.Variable(diag, new Shape(NumUnits), Initializer.GlorotUniform()));
        if (NumProj is int p)
            using (g.NameScope("projection")) variables.Add(g.Variable("kernel", new Shape(NumUnits, p), Initializer.GlorotUniform()));
        return variables.ToArray();
    }

    /// <inheritdoc />
    public override (Node Output, Node[] State) Call(Node input, Node[] state)
    {
        CheckState(input, state);
        Node c = state[0], m = state[1];
        var g = input.Graph;
        var z = Ops.Add(Ops.MatMul(Ops.Concat([input, m], 1), Variables[0]), Variables[1]);
        var gates = Ops.Split(z, 4, 1);
        Node i = gates[0], f = Ops.Add(gates[2], g.Constant(ForgetBias)), o = gates[3];
        if (UsePeepholes)
        {
            i = Ops.Add(i, Ops.Multiply(c, Variables[2]));
            f = Ops.Add(f, Ops.Multiply(c, Variables[3]));
        }
        var newC = Ops.Add(Ops.Multiply(Ops.Sigmoid(f), c), Ops.Multiply(Ops.Sigmoid(i), Ops.Tanh(gates[1])));
        if (CellClip is float clip) newC = Clip(newC, clip);
        if (UsePeepholes) o = Ops.Add(o, Ops.Multiply(newC, Variables[4]));
        var newM = Ops.Multiply(Ops.Sigmoid(o), Ops.Tanh(newC));
        if (NumProj is not null)
        {
            newM = Ops.MatMul(newM, Variables[^1]);
            if (ProjClip is float pc) newM = Clip(newM, pc);
        }
        return (newM, [newC, newM]);
    }

    private static Node Clip(Node x, float limit) =>
        Ops.Minimum(Ops.Maximum(x, x.Graph.Constant(-limit)), x.Graph.Constant(limit));

    internal override FusedCell? Fused => null;
}
