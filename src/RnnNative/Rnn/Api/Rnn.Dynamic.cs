namespace RnnNative;

public static partial class Rnn
{
    /// <summary>
    /// <c>dynamic_rnn</c>: runs <paramref name="cell"/> over x (B, T, I) — or (T, B, I) when
    /// <paramref name="timeMajor"/> — as one fused node with a hand-written forward and backward through time.
    /// </summary>
    /// <remarks>
    /// TensorFlow's semantics: with <paramref name="sequenceLength"/> (int32 (B)), outputs are exactly 0 at and
    /// past each example's length, the final state is the state at its last valid step (the initial state when
    /// its length is 0), and gradients flow only through valid steps. A length below 0 or above T throws,
    /// naming the example. Stacked and wrapped cells run layer by layer; with <paramref name="useFusedKernels"/>
    /// false every cell is unrolled as a composition of ops instead — the slow twin tests compare against.
    /// </remarks>
    public static DynamicRnnResult Dynamic(RnnCell cell, Node x, Node? sequenceLength = null,
        IReadOnlyList<Node>? initialState = null, bool timeMajor = false, string scope = "rnn", bool useFusedKernels = true)
    {
        if (x.Shape.Rank != 3 || x.Shape[2] <= 0)
            throw new ArgumentException($"Dynamic RNN needs x of rank 3 with a known input size, got {x.Name} {x.Shape}.");
        if (sequenceLength is not null && (sequenceLength.DType != DType.Int32 || sequenceLength.Shape.Rank != 1))
            throw new ArgumentException($"sequenceLength {sequenceLength.Name} must be Int32 of rank 1, got {sequenceLength.DType} {sequenceLength.Shape}.");
        if (initialState is not null && initialState.Count != cell.StateParts)
            throw new ArgumentException($"Cell {cell.Name} takes {cell.StateParts} initial state parts, got {initialState.Count}.");
        var g = x.Graph;
        using var _ = g.NameScope(scope);
        cell.EnsureBuilt(g, x.Shape[2]);
        if (sequenceLength is not null) sequenceLength = new CheckLengthsOp(sequenceLength, x, timeMajor ? 0 : 1);
        return Sequence(cell, x, sequenceLength, initialState, timeMajor, useFusedKernels);
    }

    // Runs a built cell over a whole sequence: fused kernels where the cell has one, stacked and wrapped
    // cells layer by layer, anything else unrolled.
    private static DynamicRnnResult Sequence(RnnCell cell, Node x, Node? lengths, IReadOnlyList<Node>? initialState, bool timeMajor, bool fuse)
    {
        switch (cell)
        {
            case MultiRnnCell multi:
                var states = new List<Node>();
                int part = 0;
                foreach (var layer in multi.Cells)
                {
                    var layerState = initialState?.Skip(part).Take(layer.StateParts).ToArray();
                    var result = Sequence(layer, x, lengths, layerState, timeMajor, fuse);
                    (x, part) = (result.Outputs, part + layer.StateParts);
                    states.AddRange(result.States);
                }
                return new DynamicRnnResult(x, states);
            case OutputProjectionWrapper wrapper:
                var inner = Sequence(wrapper.Cell, x, lengths, initialState, timeMajor, fuse);
                var projected = ProjectSequence(inner.Outputs, wrapper.Kernel, wrapper.Bias, timeMajor);
                return new DynamicRnnResult(lengths is null ? projected : new MaskSequenceOp(projected, lengths, timeMajor), inner.States);
            case DropoutWrapper dropout:
                var dropped = Sequence(dropout.Cell, dropout.DropInput(x), lengths, initialState, timeMajor, fuse);
                var outputs = dropout.DropOutput(dropped.Outputs);
                return new DynamicRnnResult(outputs, dropped.States);
            case { Fused: { } fused } when fuse:
                var op = new DynamicRnnOp(fused, cell.InputSize, cell.NumUnits, x, lengths, initialState, timeMajor);
                return new DynamicRnnResult(op, op.States);
            default:
                return Unrolled(cell, x, lengths, initialState, timeMajor);
        }
    }

    // y (B, T, O) = x (B, T, H) · W (H, O) + b, as one GEMM over all steps.
    private static Node ProjectSequence(Node x, Variable kernel, Variable bias, bool timeMajor)
    {
        int hidden = kernel.Shape[0], outputs = kernel.Shape[1], steps = x.Shape[timeMajor ? 0 : 1];
        var flat = Ops.Add(Ops.MatMul(Ops.Reshape(x, new Shape(-1, hidden)), kernel), bias);
        return Ops.Reshape(flat, timeMajor ? new Shape(steps, -1, outputs) : new Shape(-1, steps, outputs));
    }

    // The composition: unstack the steps, unroll the cell with lengths, stack the outputs back.
    private static DynamicRnnResult Unrolled(RnnCell cell, Node x, Node? sequenceLength, IReadOnlyList<Node>? initialState, bool timeMajor)
    {
        int timeAxis = timeMajor ? 0 : 1, steps = x.Shape[timeAxis], inputs = x.Shape[2];
        if (steps <= 0) throw new ArgumentException($"Unrolling needs a known number of steps, got {x.Name} {x.Shape}.");
        var stepInputs = Ops.Split(x, steps, timeAxis).Select(s => Ops.Reshape(s, new Shape(-1, inputs))).ToArray();
        var result = Unroll(cell, stepInputs, initialState, sequenceLength);
        int outputs = cell.OutputSize;
        var expanded = result.Outputs.Select(o => Ops.Reshape(o, timeMajor ? new Shape(1, -1, outputs) : new Shape(-1, 1, outputs))).ToArray();
        return new DynamicRnnResult(Ops.Concat(expanded, timeAxis), result.States);
    }
}

/// <summary>Passes sequence lengths through after checking 0 ≤ length ≤ T and one length per example.</summary>
internal sealed class CheckLengthsOp(Node lengths, Node x, int timeAxis)
    : Node(lengths.Graph, "CheckLengths", null, DType.Int32, lengths.Shape, lengths, x)
{
    internal override void InferDims(Session s, Span<int> dims)
    {
        int batch = s.Dims(In[1])[1 - timeAxis], count = s.Dims(In[0])[0];
        if (count != batch) throw new ArgumentException($"{In[0].Name}: {count} sequence lengths for a batch of {batch}.");
        dims[0] = count;
    }

    internal override void Bind(Session s) => s.BindView(this, In[0], 0);

    internal override void Forward(Session s) => Validate(s.I(In[0]), s.Dims(In[1])[timeAxis], In[0].Name);

    internal static void Validate(ReadOnlySpan<int> lengths, int steps, string name)
    {
        for (int b = 0; b < lengths.Length; b++)
            if ((uint)lengths[b] > (uint)steps)
                throw new ArgumentOutOfRangeException(nameof(lengths), $"{name}: sequence length {lengths[b]} of example {b} is outside [0, {steps}].");
    }

    internal override Node?[] Gradient(Node dy) => [null, null];
}
