namespace RnnNative;

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
