using System.Numerics.Tensors;

namespace RnnNative;

/// <summary>Sum or mean of all elements → scalar.</summary>
internal sealed class ReduceAllOp(Node x, bool mean, string? name)
    : Node(x.Graph, mean ? "Mean" : "Sum", name, DType.Float32, Shape.Scalar, UnaryOp.RequireFloat(x))
{
    internal override void InferDims(Session s, Span<int> dims) { }

    internal override void Forward(Session s)
    {
        ReadOnlySpan<float> x = s.F(In[0]);
        // Pairwise-accurate enough for losses: TensorPrimitives.Sum accumulates in vector lanes.
        float sum = TensorPrimitives.Sum(x);
        s.F(this)[0] = mean ? (x.Length == 0 ? float.NaN : sum / x.Length) : sum;
    }

    internal override Node?[] Gradient(Node dy) => [new BroadcastScalarOp(dy, In[0], mean)];
}
