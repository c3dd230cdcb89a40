namespace RnnNative;

/// <summary>Shared (B, T, D) / (T, B, D) indexing for sequence ops.</summary>
internal readonly struct SequenceLayout(ReadOnlySpan<int> dims, bool timeMajor)
{
    public readonly int Batch = timeMajor ? dims[1] : dims[0];
    public readonly int Steps = timeMajor ? dims[0] : dims[1];
    public readonly int Width = dims[2];
    private readonly bool _timeMajor = timeMajor;

    /// <summary>Offset of example b at step t.</summary>
    public int Offset(int b, int t) => (_timeMajor ? t * Batch + b : b * Steps + t) * Width;
}

/// <summary>
/// Zeroes every step at or past each example's length (<c>y = x · [t &lt; length_b]</c>); gradient: the same mask on dy.
/// </summary>
internal sealed class MaskSequenceOp(Node x, Node lengths, bool timeMajor)
    : Node(x.Graph, "MaskSequence", null, DType.Float32, x.Shape, x, lengths)
{
    internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[0]).CopyTo(dims);

    internal override void Forward(Session s) => Apply(s, s.F(In[0]), s.F(this));

    internal void Apply(Session s, ReadOnlySpan<float> x, Span<float> y)
    {
        var layout = new SequenceLayout(s.Dims(In[0]), timeMajor);
        ReadOnlySpan<int> lengths = s.I(In[1]);
        CheckLengthsOp.Validate(lengths, layout.Steps, In[1].Name);
        for (int b = 0; b < layout.Batch; b++)
            for (int t = 0; t < layout.Steps; t++)
            {
                var target = y.Slice(layout.Offset(b, t), layout.Width);
                if (t < lengths[b]) x.Slice(layout.Offset(b, t), layout.Width).CopyTo(target);
                else target.Clear();
            }
    }

    internal override Node?[] Gradient(Node dy) => [new MaskSequenceGradOp(this, dy), null];

    private sealed class MaskSequenceGradOp(MaskSequenceOp forward, Node dy)
        : Node(forward.Graph, "MaskSequenceGrad", null, DType.Float32, forward.Shape, dy, forward.In[0], forward.In[1])
    {
        internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[0]).CopyTo(dims);
        internal override void Forward(Session s) => forward.Apply(s, s.F(In[0]), s.F(this));
    }
}

/// <summary>
/// Reverses the first length_b steps of each example and leaves the rest in place (<c>tf.reverse_sequence</c>);
/// without lengths, reverses all T steps. It is its own adjoint, so the gradient is the same op on dy.
/// </summary>
internal sealed class ReverseSequenceOp(Node x, Node? lengths, bool timeMajor)
    : Node(x.Graph, "ReverseSequence", null, DType.Float32, x.Shape, lengths is null ? [x] : [x, lengths])
{
    internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[0]).CopyTo(dims);

    internal override void Forward(Session s)
    {
        var layout = new SequenceLayout(s.Dims(In[0]), timeMajor);
        ReadOnlySpan<int> lengths = In.Length > 1 ? s.I(In[1]) : default;
        if (In.Length > 1) CheckLengthsOp.Validate(lengths, layout.Steps, In[1].Name);
        ReadOnlySpan<float> source = s.F(In[0]);
        var y = s.F(this);
        for (int b = 0; b < layout.Batch; b++)
        {
            int length = In.Length > 1 ? lengths[b] : layout.Steps;
            for (int t = 0; t < layout.Steps; t++)
            {
                int from = t < length ? length - 1 - t : t;
                source.Slice(layout.Offset(b, from), layout.Width).CopyTo(y.Slice(layout.Offset(b, t), layout.Width));
            }
        }
    }

    internal override Node?[] Gradient(Node dy) => In.Length > 1
        ? [new ReverseSequenceOp(dy, In[1], timeMajor), null]
        : [new ReverseSequenceOp(dy, null, timeMajor)];
}
