namespace RnnNative;

/// <summary>
/// TF1 <c>DropoutWrapper</c>: dropout on the cell's input and/or output, active only when the
/// <paramref name="training"/> flag (see <see cref="Ops.TrainingFlag"/>) is fed true; scaled by 1/keep so that
/// inference needs no change.
/// </summary>
/// <remarks>
/// As in TensorFlow without variational recurrence, every step draws its own mask; the state passes
/// undropped. In <see cref="Rnn.Dynamic"/> the masks are applied to the whole input and output sequences
/// around the fused inner cell, which is the same computation.
/// </remarks>
public sealed class DropoutWrapper(RnnCell cell, Node training, float inputKeepProb = 1f, float outputKeepProb = 1f, int? seed = null)
    : RnnCell(cell.NumUnits, cell.Name)
{
    /// <summary>The wrapped cell.</summary>
    public RnnCell Cell { get; } = cell;

    /// <summary>Probability of keeping each input element during training.</summary>
    public float InputKeepProb { get; } = CheckProbability(inputKeepProb, nameof(inputKeepProb));

    /// <summary>Probability of keeping each output element during training.</summary>
    public float OutputKeepProb { get; } = CheckProbability(outputKeepProb, nameof(outputKeepProb));

    /// <summary>The training flag.</summary>
    public Node Training { get; } = training;

    /// <inheritdoc />
    public override int OutputSize => Cell.OutputSize;

    /// <inheritdoc />
    public override int StateParts => Cell.StateParts;

    /// <inheritdoc />
    public override int StateSize(int part) => Cell.StateSize(part);

    private static float CheckProbability(float p, string name) =>
        p > 0f && p <= 1f ? p : throw new ArgumentOutOfRangeException(name, $"A keep probability must be in (0, 1], got {p}.");

    // The wrapper adds no scope of its own (like TF's): the inner cell's variables keep their names.
    internal override void BuildWrapped(Graph g, int inputSize)
    {
        Cell.EnsureBuilt(g, inputSize);
        Variables = Cell.Variables;
    }

    private protected override Variable[] Build(Graph g, int inputSize) => [.. Cell.Variables];

    internal Node DropInput(Node x) => InputKeepProb < 1f ? Ops.Dropout(x, InputKeepProb, Training, seed) : x;

    internal Node DropOutput(Node y) => OutputKeepProb < 1f ? Ops.Dropout(y, OutputKeepProb, Training, seed is null ? null : seed + 1) : y;

    /// <inheritdoc />
    public override (Node Output, Node[] State) Call(Node input, Node[] state)
    {
        CheckState(input, state);
        var (output, next) = Cell.Call(DropInput(input), state);
        return (DropOutput(output), next);
    }

    internal override FusedCell? Fused => null;
}
