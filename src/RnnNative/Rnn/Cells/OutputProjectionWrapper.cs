namespace RnnNative;

/// <summary>
/// TF1 <c>OutputProjectionWrapper</c>: the inner cell's output projected to <see cref="RnnCell.OutputSize"/>
/// by a dense layer shared over time (the lecture's time-series model: 100 units → 1 per step).
/// </summary>
/// <remarks>
/// y_t = h_t·W + b with W: [H, outputSize] (Glorot uniform), b zeros, under <c>output_projection_wrapper/</c>.
/// The state is the inner cell's. In <see cref="Rnn.Dynamic"/> the inner cell runs fused over the whole
/// sequence and the projection is one GEMM over all steps; outputs past each length stay 0.
/// </remarks>
public sealed class OutputProjectionWrapper(RnnCell cell, int outputSize, string name = "output_projection_wrapper")
    : RnnCell(cell.NumUnits, name)
{
    /// <summary>The wrapped cell.</summary>
    public RnnCell Cell { get; } = cell;

    /// <inheritdoc />
    public override int OutputSize { get; } = outputSize > 0 ? outputSize : throw new ArgumentOutOfRangeException(nameof(outputSize));

    /// <inheritdoc />
    public override int StateParts => Cell.StateParts;

    /// <inheritdoc />
    public override int StateSize(int part) => Cell.StateSize(part);

    internal Variable Kernel => Variables[^2];
    internal Variable Bias => Variables[^1];

    private protected override Variable[] Build(Graph g, int inputSize)
    {
        Cell.EnsureBuilt(g, inputSize);
        return [.. Cell.Variables,
            g.Variable("kernel", new Shape(Cell.OutputSize, OutputSize), Initializer.GlorotUniform()),
            g.Variable("bias", new Shape(OutputSize), Initializer.Zeros)];
    }

    /// <inheritdoc />
    public override (Node Output, Node[] State) Call(Node input, Node[] state)
    {
        CheckState(input, state);
        var (output, next) = Cell.Call(input, state);
        return (Ops.Add(Ops.MatMul(output, Kernel), Bias), next);
    }

    internal override FusedCell? Fused => null;
}
