using System.Numerics.Tensors;

namespace RnnNative;

internal enum BinaryKind { Add, Subtract, Multiply, Divide, Maximum, Minimum }

/// <summary>
/// Elementwise a ∘ b with trailing broadcasting: the shapes are equal, or one is a suffix of the other
/// (a scalar, a bias [n] against [.., n], ...). The output has the larger shape.
/// </summary>
/// <remarks>
/// Gradients: d(a+b) = (dy, dy), d(a−b) = (dy, −dy), d(a·b) = (dy·b, dy·a), d(a/b) = (dy/b, −dy·a/b²),
/// d max(a, b) = dy to a where a ≥ b, else to b (min: a ≤ b; ties go to a, as in TF), each summed back to its input's shape over the broadcast (leading) dimensions.
/// </remarks>
internal sealed class BinaryOp : Node
{
    private readonly BinaryKind _kind;

    public BinaryOp(BinaryKind kind, Node a, Node b, string? name)
        : base(a.Graph, kind.ToString(), name, DType.Float32, TrailingBroadcast.StaticShape(kind.ToString(), a, b), UnaryOp.RequireFloat(a), UnaryOp.RequireFloat(b))
        => _kind = kind;

    internal override void InferDims(Session s, Span<int> dims) => TrailingBroadcast.InferDims(this, s, dims);

    internal BinaryKind Kind => _kind;

    internal override void Forward(Session s)
    {
        ReadOnlySpan<float> a = s.F(In[0]), b = s.F(In[1]);
        Span<float> y = s.F(this);
        if (a.Length == y.Length && b.Length == y.Length) { Apply(a, b, y); return; }
        bool aIsBig = a.Length == y.Length;
        int inner = aIsBig ? b.Length : a.Length;
        if (inner == 0 || y.Length == 0) return;
        if (inner == 1) { ApplyScalar(aIsBig ? a : b, aIsBig ? b[0] : a[0], scalarOnLeft: !aIsBig, y); return; }
        for (int start = 0; start < y.Length; start += inner)
        {
            var block = y.Slice(start, inner);
            if (aIsBig) Apply(a.Slice(start, inner), b, block);
            else Apply(a, b.Slice(start, inner), block);
        }
    }

    private void Apply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        switch (_kind)
        {
            case BinaryKind.Add: TensorPrimitives.Add(a, b, y); break;
            case BinaryKind.Subtract: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryKind.Multiply: TensorPrimitives.Multiply(a, b, y); break;
            case BinaryKind.Divide: TensorPrimitives.Divide(a, b, y); break;
            case BinaryKind.Maximum: TensorPrimitives.Max(a, b, y); break;
            case BinaryKind.Minimum: TensorPrimitives.Min(a, b, y); break;
        }
    }

    private void ApplyScalar(ReadOnlySpan<float> x, float c, bool scalarOnLeft, Span<float> y)
    {
        switch (_kind)
        {
            case BinaryKind.Add: TensorPrimitives.Add(x, c, y); break;
            case BinaryKind.Multiply: TensorPrimitives.Multiply(x, c, y); break;
            case BinaryKind.Subtract when scalarOnLeft: TensorPrimitives.Subtract(c, x, y); break;
            case BinaryKind.Subtract: TensorPrimitives.Subtract(x, c, y); break;
            case BinaryKind.Divide when scalarOnLeft: TensorPrimitives.Divide(c, x, y); break;
            case BinaryKind.Divide: TensorPrimitives.Divide(x, c, y); break;
            case BinaryKind.Maximum: TensorPrimitives.Max(x, c, y); break;
            case BinaryKind.Minimum: TensorPrimitives.Min(x, c, y); break;
        }
    }

    internal override Node?[] Gradient(Node dy)
    {
        Node a = In[0], b = In[1];
        (Node da, Node db) = _kind switch
        {
            BinaryKind.Add => (dy, dy),
            BinaryKind.Subtract => (dy, Ops.Negate(dy)),
            BinaryKind.Multiply => (Ops.Multiply(dy, b), Ops.Multiply(dy, a)),
            BinaryKind.Maximum or BinaryKind.Minimum => (new PickGradOp(this, dy, toA: true), new PickGradOp(this, dy, toA: false)),
            _ => (Ops.Divide(dy, b), Ops.Negate(Ops.Divide(Ops.Multiply(dy, a), Ops.Multiply(b, b)))),
        };
        return [SumToShapeOp.Reduce(da, a), SumToShapeOp.Reduce(db, b)];
    }
}

/// <summary>Sums x over its leading dimensions down to the (suffix) shape of <c>like</c>: the adjoint of trailing broadcasting.</summary>
internal sealed class SumToShapeOp(Node x, Node like) : Node(x.Graph, "SumToShape", null, DType.Float32, like.Shape, x, like)
{
    /// <summary>x itself when its static shape already equals like's, else a SumToShape node.</summary>
    public static Node Reduce(Node x, Node like) =>
        x.Shape.Rank == like.Shape.Rank && x.Shape.Equals(like.Shape) && like.Shape.IsFullyDefined ? x : new SumToShapeOp(x, like);

    internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[1]).CopyTo(dims);

    internal override void Forward(Session s)
    {
        ReadOnlySpan<float> x = s.F(In[0]);
        Span<float> y = s.F(this);
        if (y.Length == x.Length) { x.CopyTo(y); return; }
        y.Clear();
        if (y.Length == 0) return;
        for (int start = 0; start < x.Length; start += y.Length) TensorPrimitives.Add(y, x.Slice(start, y.Length), y);
    }

    internal override Node?[] Gradient(Node dy) => [Ops.Add(Ops.ZerosLike(In[0]), dy), null];
}

/// <summary>Trailing broadcasting: two shapes are equal, or one is a suffix of the other; the result has the larger.</summary>
internal static class TrailingBroadcast
{
    public static Shape StaticShape(string op, Node a, Node b)
    {
        Node big = a.Shape.Rank >= b.Shape.Rank ? a : b, small = big == a ? b : a;
        for (int i = 1; i <= small.Shape.Rank; i++)
        {
            int x = big.Shape[-i], y = small.Shape[-i];
            if (x != -1 && y != -1 && x != y)
                throw new ArgumentException($"{op}: shapes {a.Shape} ({a.Name}) and {b.Shape} ({b.Name}) do not broadcast (trailing dims must match).");
        }
        return big.Shape;
    }

    /// <summary>The run-time dims of a two-input node <paramref name="op"/> whose inputs are its first two.</summary>
    public static void InferDims(Node op, Session s, Span<int> dims)
    {
        var a = s.Dims(op.In[0]);
        var b = s.Dims(op.In[1]);
        var big = a.Length >= b.Length ? a : b;
        var small = a.Length >= b.Length ? b : a;
        if (!big[(big.Length - small.Length)..].SequenceEqual(small))
            throw new ArgumentException($"{op.OpName} {op.Name}: run-time shapes ({Shape.Format(a)}) and ({Shape.Format(b)}) do not broadcast.");
        big.CopyTo(dims);
    }
}

/// <summary>The share of dy that max(a, b) or min(a, b) routes to a (<c>toA</c>) or to b, at the broadcast output shape.</summary>
internal sealed class PickGradOp(BinaryOp op, Node dy, bool toA)
    : Node(op.Graph, "PickGrad", null, DType.Float32, op.Shape, dy, op.In[0], op.In[1])
{
    internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[0]).CopyTo(dims);

    internal override void Forward(Session s)
    {
        ReadOnlySpan<float> upstream = s.F(In[0]), a = s.F(In[1]), b = s.F(In[2]);
        var dx = s.F(this);
        bool max = op.Kind == BinaryKind.Maximum;
        // The shorter input repeats along the leading dims of the output (trailing broadcasting).
        for (int i = 0; i < dx.Length; i++)
        {
            float x = a[i % a.Length], y = b[i % b.Length];
            bool pickA = max ? x >= y : x <= y;
            dx[i] = pickA == toA ? upstream[i] : 0f;
        }
    }
}
