using System.Numerics.Tensors;

namespace RnnNative;

/// <summary>Sum or mean along one axis (<c>tf.reduce_sum(x, axis, keepdims)</c>, <c>tf.reduce_mean</c>).</summary>
/// <remarks>
/// x viewed as (outer, n, inner) → y (outer, inner), or (outer, 1, inner) with keepDims (the same elements):
/// y[o, i] = s·Σ_k x[o, k, i], s = 1 or 1/n (the mean of an empty axis is NaN, as in TF).
/// Gradient: dy broadcast back along the axis, times s (<see cref="BroadcastAxisOp"/>).
/// </remarks>
internal sealed class ReduceAxisOp : Node
{
    private readonly int _axis;
    private readonly bool _mean;

    public ReduceAxisOp(Node x, int axis, bool keepDims, bool mean, string? name)
        : base(x.Graph, mean ? "Mean" : "Sum", name, DType.Float32, ReducedShape(x, axis, keepDims, mean ? "ReduceMean" : "ReduceSum"), UnaryOp.RequireFloat(x))
        => (_axis, _mean) = (AxisBlocks.Normalize(axis, x.Shape.Rank, OpName), mean);

    internal static Shape ReducedShape(Node x, int axis, bool keepDims, string op)
    {
        int a = AxisBlocks.Normalize(axis, x.Shape.Rank, op);
        var dims = x.Shape.ToArray().ToList();
        if (keepDims) dims[a] = 1;
        else dims.RemoveAt(a);
        return new Shape(dims.ToArray());
    }

    internal override void InferDims(Session s, Span<int> dims) => ReducedDims(s.Dims(In[0]), _axis, dims);

    /// <summary>x's dims without <paramref name="axis"/>, or with it set to 1 when dims has x's rank.</summary>
    internal static void ReducedDims(ReadOnlySpan<int> x, int axis, Span<int> dims)
    {
        int j = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (i != axis) dims[j++] = x[i];
            else if (dims.Length == x.Length) dims[j++] = 1;
        }
    }

    internal override void Forward(Session s)
    {
        var dims = s.Dims(In[0]);
        var (outer, inner) = AxisBlocks.Split(dims, _axis);
        int n = dims[_axis];
        ReadOnlySpan<float> x = s.F(In[0]);
        var y = s.F(this);
        float scale = _mean ? 1f / n : 1f; // n = 0: +∞ · 0-sum → NaN below
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) y[o] = n == 0 && _mean ? float.NaN : TensorPrimitives.Sum(x.Slice(o * n, n)) * scale;
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            var row = y.Slice(o * inner, inner);
            row.Clear();
            for (int k = 0; k < n; k++) TensorPrimitives.Add(row, x.Slice((o * n + k) * inner, inner), row);
            if (n == 0 && _mean) row.Fill(float.NaN);
            else if (_mean) TensorPrimitives.Multiply(row, scale, row);
        }
    }

    internal override Node?[] Gradient(Node dy) => [new BroadcastAxisOp(dy, In[0], _axis, _mean)];
}

/// <summary>
/// Repeats dy (x's dims without the axis, or with it as 1) n times along <c>axis</c> to x's dims, times
/// 1/n when <c>mean</c>: the adjoint of <see cref="ReduceAxisOp"/>.
/// </summary>
internal sealed class BroadcastAxisOp(Node dy, Node like, int axis, bool mean)
    : Node(like.Graph, "BroadcastAxis", null, DType.Float32, like.Shape, dy, like)
{
    internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[1]).CopyTo(dims);

    internal override void Forward(Session s)
    {
        var dims = s.Dims(this);
        var (outer, inner) = AxisBlocks.Split(dims, axis);
        int n = dims[axis];
        ReadOnlySpan<float> dy = s.F(In[0]);
        var dx = s.F(this);
        float scale = mean ? 1f / n : 1f;
        for (int o = 0; o < outer; o++)
        {
            var source = dy.Slice(o * inner, inner);
            for (int k = 0; k < n; k++) TensorPrimitives.Multiply(source, scale, dx.Slice((o * n + k) * inner, inner));
        }
    }

    // The adjoint of a broadcast is the reduction, with dy's own rank deciding keepDims.
    internal override Node?[] Gradient(Node dx) =>
        [new ReduceAxisOp(dx, axis, keepDims: In[0].Shape.Rank == In[1].Shape.Rank, mean, null), null];
}
