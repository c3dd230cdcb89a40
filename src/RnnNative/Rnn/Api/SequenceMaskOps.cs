namespace RnnNative;

/// <summary>
/// One step of a length-masked recurrence: y = new where t &lt; length_b, else fallback (row by row).
/// Used by <see cref="Rnn.Static"/> with sequence lengths: outputs fall back to 0, states to the previous state.
/// </summary>
/// <remarks>lengths: (B) int32; new, fallback: (B, H). Gradient: d new = dy·[t &lt; len], d fallback = dy·[t ≥ len].</remarks>
internal sealed class LengthSelectOp(Node lengths, int step, Node next, Node fallback)
    : Node(next.Graph, "LengthSelect", null, DType.Float32, next.Shape, lengths, next, fallback)
{
    internal override void InferDims(Session s, Span<int> dims)
    {
        var d = s.Dims(In[1]);
        if (!s.Dims(In[2]).SequenceEqual(d) || s.Dims(In[0])[0] != d[0])
            throw new ArgumentException($"{Name}: lengths ({Shape.Format(s.Dims(In[0]))}), new ({Shape.Format(d)}) and fallback ({Shape.Format(s.Dims(In[2]))}) disagree.");
        d.CopyTo(dims);
    }

    internal override void Forward(Session s) => Select(s, s.F(In[1]), s.F(In[2]), s.F(this), takeValid: true);

    internal void Select(Session s, ReadOnlySpan<float> valid, ReadOnlySpan<float> invalid, Span<float> y, bool takeValid)
    {
        ReadOnlySpan<int> lengths = s.I(In[0]);
        int width = lengths.Length == 0 ? 0 : y.Length / lengths.Length;
        for (int b = 0; b < lengths.Length; b++)
        {
            var source = step < lengths[b] ? valid : invalid;
            if (source.IsEmpty) y.Slice(b * width, width).Clear();
            else source.Slice(b * width, width).CopyTo(y.Slice(b * width, width));
        }
    }

    internal override Node?[] Gradient(Node dy) =>
        [null, new LengthSelectGradOp(this, dy, validSide: true), new LengthSelectGradOp(this, dy, validSide: false)];

    private sealed class LengthSelectGradOp(LengthSelectOp forward, Node dy, bool validSide)
        : Node(forward.Graph, "LengthSelectGrad", null, DType.Float32, forward.Shape, dy, forward.In[0])
    {
        internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[0]).CopyTo(dims);

        internal override void Forward(Session s)
        {
            ReadOnlySpan<float> upstream = s.F(In[0]);
            forward.Select(s, validSide ? upstream : default, validSide ? default : upstream, s.F(this), takeValid: validSide);
        }
    }
}
