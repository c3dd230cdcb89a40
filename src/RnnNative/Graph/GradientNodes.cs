namespace RnnNative;

// The two nodes the graph's own differentiation (GradientBuilder) creates: the seed dy/dy = 1 and the sum of
// fan-out contributions. They live in the Graph layer so that Graph needs nothing from Ops.

/// <summary>A float tensor with the run-time shape of <c>like</c>, every element <c>value</c> (ones_like, zeros_like).</summary>
internal sealed class FillLikeOp(Node like, float value)
    : Node(like.Graph, value == 0f ? "ZerosLike" : value == 1f ? "OnesLike" : "FillLike", null, DType.Float32, like.Shape, like)
{
    internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[0]).CopyTo(dims);
    internal override void Forward(Session s) => s.F(this).Fill(value);
    internal override Node?[] Gradient(Node dy) => [null];
}

/// <summary>The sum of several tensors of one shape (fan-out accumulation in gradients).</summary>
internal sealed class AddNOp(Node[] parts)
    : Node(parts[0].Graph, "AddN", null, DType.Float32, parts[0].Shape, parts)
{
    internal override void InferDims(Session s, Span<int> dims)
    {
        var first = s.Dims(In[0]);
        foreach (var part in In)
            if (!s.Dims(part).SequenceEqual(first))
                throw new ArgumentException($"AddN {Name}: ({Shape.Format(s.Dims(part))}) differs from ({Shape.Format(first)}).");
        first.CopyTo(dims);
    }

    internal override void Forward(Session s)
    {
        var y = s.F(this);
        s.F(In[0]).CopyTo(y);
        for (int i = 1; i < In.Length; i++) System.Numerics.Tensors.TensorPrimitives.Add(y, s.F(In[i]), y);
    }

    internal override Node?[] Gradient(Node dy) => Enumerable.Repeat<Node?>(dy, In.Length).ToArray();
}
