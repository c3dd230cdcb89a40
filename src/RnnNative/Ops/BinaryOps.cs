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
        : base(a.Graph, kind.ToString(), name, DType.Float32, Broadcasting.StaticShape(kind.ToString(), a, b), UnaryOp.RequireFloat(a), UnaryOp.RequireFloat(b))
        => _kind = kind;

    internal override void InferDims(Session s, Span<int> dims) => Broadcasting.InferDims(this, s, dims);

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
        // A broadcast input is a trailing block of the output: it repeats every a.Length (b.Length) elements.
        for (int i = 0; i < dx.Length; i++)
        {
            float x = a[i % a.Length], y = b[i % b.Length];
            bool pickA = max ? x >= y : x <= y;
            dx[i] = pickA == toA ? upstream[i] : 0f;
        }
    }
}

/// <summary>
/// Broadcasting of two inputs: NumPy's rule at build time (right-aligned, equal dims or one of them 1, unknown
/// dims taken on trust); at run time the smaller operand, without its leading 1s, must be a trailing block of the result.
/// </summary>
internal static class Broadcasting
{
    public static Shape StaticShape(string op, Node a, Node b)
    {
        var dims = new int[Math.Max(a.Shape.Rank, b.Shape.Rank)];
        return TryBroadcast(a.Shape.Dims, b.Shape.Dims, allowUnknown: true, dims) ? new Shape(dims)
            : throw new ArgumentException($"{op}: shapes {a.Shape} ({a.Name}) and {b.Shape} ({b.Name}) do not broadcast.");
    }

    /// <summary>The run-time dims of <paramref name="op"/> from its first two inputs (written in place: no allocation per run).</summary>
    public static void InferDims(Node op, Session s, Span<int> dims)
    {
        var a = s.Dims(op.In[0]);
        var b = s.Dims(op.In[1]);
        if (dims.Length != Math.Max(a.Length, b.Length) || !TryBroadcast(a, b, allowUnknown: false, dims)
            || !IsTrailingBlock(a, dims) || !IsTrailingBlock(b, dims))
            throw new ArgumentException($"{op.OpName} {op.Name}: run-time shapes ({Shape.Format(a)}) and ({Shape.Format(b)}) do not broadcast (only trailing broadcasting is supported).");
    }

    // NumPy's rule, right-aligned: equal dims, or one of them 1. Unknown (-1) dims are taken on trust at build time.
    private static bool TryBroadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, bool allowUnknown, Span<int> dims)
    {
        for (int i = 1; i <= dims.Length; i++)
        {
            int x = i <= a.Length ? a[^i] : 1, y = i <= b.Length ? b[^i] : 1;
            if (x == y || y == 1) dims[^i] = x;
            else if (x == 1) dims[^i] = y;
            else if (allowUnknown && (x == -1 || y == -1)) dims[^i] = x == -1 ? y : x;
            else return false;
        }
        return true;
    }

    private static bool IsTrailingBlock(ReadOnlySpan<int> x, ReadOnlySpan<int> result)
    {
        int lead = 0;
        while (lead < x.Length && x[lead] == 1) lead++;
        var core = x[lead..];
        return Shape.Count(x) == Shape.Count(result) && x.Length <= result.Length || result[(result.Length - core.Length)..].SequenceEqual(core);
    }
}
