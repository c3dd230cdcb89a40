using System.Numerics;

namespace RnnNative;

/// <summary>Index of the largest value along an axis (<c>tf.argmax</c>); Int32 output without that axis; ties → the first.</summary>
/// <remarks>x: (outer, n, inner) → y: (outer, inner). NaN compares false: it is chosen only when it comes first.</remarks>
internal sealed class ArgMaxOp : Node
{
    private readonly int _axis;

    public ArgMaxOp(Node x, int axis, string? name)
        : base(x.Graph, "ArgMax", name, DType.Int32, ReduceAxisOp.ReducedShape(x, axis, keepDims: false, "ArgMax"), x)
        => _axis = AxisBlocks.Normalize(axis, x.Shape.Rank, "ArgMax");

    internal override void InferDims(Session s, Span<int> dims)
    {
        var x = s.Dims(In[0]);
        if (x[_axis] == 0) throw new ArgumentException($"ArgMax {Name}: axis {_axis} of ({Shape.Format(x)}) is empty.");
        ReduceAxisOp.ReducedDims(x, _axis, dims);
    }

    internal override void Forward(Session s)
    {
        var dims = s.Dims(In[0]);
        if (In[0].DType == DType.Int32) ArgMax<int>(s.I(In[0]), s.I(this), dims, _axis);
        else ArgMax<float>(s.F(In[0]), s.I(this), dims, _axis);
    }

    private static void ArgMax<T>(ReadOnlySpan<T> x, Span<int> y, ReadOnlySpan<int> dims, int axis) where T : INumber<T>
    {
        var (outer, inner) = AxisBlocks.Split(dims, axis);
        int n = dims[axis];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int start = o * n * inner + i, best = 0;
                T max = x[start];
                for (int k = 1; k < n; k++)
                {
                    T v = x[start + k * inner];
                    if (v > max) (max, best) = (v, k);
                }
                y[o * inner + i] = best;
            }
    }

    internal override Node?[] Gradient(Node dy) => [null];
}

/// <summary>a == b elementwise (<c>tf.equal</c>) with trailing broadcasting; Bool output (0/1 floats).</summary>
/// <remarks>Both Float32/Bool, or both Int32.</remarks>
internal sealed class EqualOp : Node
{
    public EqualOp(Node a, Node b, string? name)
        : base(a.Graph, "Equal", name, DType.Bool, StaticShape(a, b), a, b) { }

    private static Shape StaticShape(Node a, Node b) => (a.DType == DType.Int32) == (b.DType == DType.Int32)
        ? Broadcasting.StaticShape("Equal", a, b)
        : throw new ArgumentException($"Equal: {a.Name} is {a.DType} but {b.Name} is {b.DType}; cast one of them.");

    internal override void InferDims(Session s, Span<int> dims) => Broadcasting.InferDims(this, s, dims);

    internal override void Forward(Session s)
    {
        if (In[0].DType == DType.Int32) Compare<int>(s.I(In[0]), s.I(In[1]), s.F(this));
        else Compare<float>(s.F(In[0]), s.F(In[1]), s.F(this));
    }

    // The smaller input repeats along the leading dims of the larger (its length divides the output's).
    private static void Compare<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<float> y) where T : IEquatable<T>
    {
        if (y.Length == 0) return;
        int na = a.Length, nb = b.Length;
        for (int i = 0; i < y.Length; i++) y[i] = a[i % na].Equals(b[i % nb]) ? 1f : 0f;
    }

    internal override Node?[] Gradient(Node dy) => [null, null];
}

/// <summary>Elementwise choice (<c>tf.where(condition, x, y)</c>): x where the condition is true (≠ 0), else y; all of one shape.</summary>
/// <remarks>Gradient: dx = where(c, dy, 0), dy' = where(c, 0, dy).</remarks>
internal sealed class WhereOp : Node
{
    public WhereOp(Node condition, Node x, Node y, string? name)
        : base(x.Graph, "Where", name, DType.Float32, StaticShape(condition, x, y), condition, UnaryOp.RequireFloat(x), UnaryOp.RequireFloat(y)) { }

    private static Shape StaticShape(Node condition, Node x, Node y)
    {
        if (condition.DType == DType.Int32)
            throw new ArgumentException($"Where: condition {condition.Name} must be Bool, got {condition.DType}.");
        foreach (var other in (Node[])[condition, y])
            if (!ShapesAgree(other.Shape, x.Shape))
                throw new ArgumentException($"Where: {other.Name} {other.Shape} and {x.Name} {x.Shape} must have one shape.");
        return x.Shape;
    }

    /// <summary>Same rank and equal wherever both dims are known.</summary>
    internal static bool ShapesAgree(Shape a, Shape b)
    {
        bool same = a.Rank == b.Rank;
        for (int i = 0; same && i < a.Rank; i++) same = a[i] == -1 || b[i] == -1 || a[i] == b[i];
        return same;
    }

    internal override void InferDims(Session s, Span<int> dims)
    {
        var x = s.Dims(In[1]);
        for (int k = 0; k < 3; k += 2)
            if (!s.Dims(In[k]).SequenceEqual(x))
                throw new ArgumentException($"Where {Name}: {In[k].Name} is ({Shape.Format(s.Dims(In[k]))}) but {In[1].Name} is ({Shape.Format(x)}).");
        x.CopyTo(dims);
    }

    internal override void Forward(Session s)
    {
        ReadOnlySpan<float> c = s.F(In[0]), x = s.F(In[1]), y = s.F(In[2]);
        var result = s.F(this);
        for (int i = 0; i < result.Length; i++) result[i] = c[i] != 0f ? x[i] : y[i];
    }

    internal override Node?[] Gradient(Node dy)
    {
        var zeros = Ops.ZerosLike(dy);
        return [null, new WhereOp(In[0], dy, zeros, null), new WhereOp(In[0], zeros, dy, null)];
    }
}
