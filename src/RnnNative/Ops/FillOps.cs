namespace RnnNative;

/// <summary>A float tensor with the run-time shape of <c>like</c>, every element <c>value</c> (ones_like, zeros_like).</summary>
internal sealed class FillLikeOp(Node like, float value)
    : Node(like.Graph, value == 0f ? "ZerosLike" : value == 1f ? "OnesLike" : "FillLike", null, DType.Float32, like.Shape, like)
{
    internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[0]).CopyTo(dims);
    internal override void Forward(Session s) => s.F(this).Fill(value);
    internal override Node?[] Gradient(Node dy) => [null];
}

/// <summary>Broadcasts a scalar to the run-time shape of <c>like</c>, times <c>scale</c> (or 1/N of like's elements when <c>mean</c>).</summary>
/// <remarks>The adjoint of a full reduction: d(Σx)/dx = 1, d(mean x)/dx = 1/N.</remarks>
internal sealed class BroadcastScalarOp(Node scalar, Node like, bool mean)
    : Node(like.Graph, "BroadcastScalar", null, DType.Float32, like.Shape, scalar, like)
{
    internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[1]).CopyTo(dims);

    internal override void Forward(Session s)
    {
        var y = s.F(this);
        float value = s.F(In[0])[0];
        s.F(this).Fill(mean && y.Length > 0 ? value / y.Length : value);
    }

    internal override Node?[] Gradient(Node dy) =>
        [mean ? Ops.ReduceMean(dy) : Ops.ReduceSum(dy), null];
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
