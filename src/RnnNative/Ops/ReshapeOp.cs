namespace RnnNative;

/// <summary>
/// The same elements under another shape, without a copy (the output is a view of the input).
/// One dimension may be -1 (inferred); or the target is the run-time shape of another node.
/// </summary>
internal sealed class ReshapeOp : Node
{
    private readonly int[]? _target;
    private readonly Node? _like;

    public ReshapeOp(Node x, Shape target, string? name)
        : base(x.Graph, "Reshape", name, x.DType, StaticShape(x, target), x)
        => _target = target.ToArray();

    public ReshapeOp(Node x, Node like)
        : base(x.Graph, "Reshape", null, x.DType, like.Shape, x, like) => _like = like;

    private static Shape StaticShape(Node x, Shape target)
    {
        var dims = target.ToArray();
        if (dims.Count(d => d == -1) > 1) throw new ArgumentException($"Reshape of {x.Name} to {target}: at most one -1.");
        int unknown = Array.IndexOf(dims, -1);
        if (unknown >= 0 && x.Shape.IsFullyDefined)
        {
            int known = dims.Where(d => d != -1).Aggregate(1, (p, d) => p * d);
            dims[unknown] = known == 0 ? 0 : x.Shape.ElementCount / known;
        }
        if (x.Shape.IsFullyDefined && unknown < 0 && Shape.Count(dims) != x.Shape.ElementCount)
            throw new ArgumentException($"Cannot reshape {x.Name} {x.Shape} to {target}.");
        return new Shape(dims);
    }

    internal override void InferDims(Session s, Span<int> dims)
    {
        var x = s.Dims(In[0]);
        int count = Shape.Count(x);
        if (_like is not null) s.Dims(_like).CopyTo(dims);
        else
        {
            _target.CopyTo(dims);
            int unknown = Array.IndexOf(_target!, -1);
            if (unknown >= 0)
            {
                int known = 1;
                for (int i = 0; i < dims.Length; i++) if (i != unknown) known *= dims[i];
                dims[unknown] = known == 0 ? 0 : count / known;
            }
        }
        if (Shape.Count(dims) != count)
            throw new ArgumentException($"Reshape {Name}: cannot view ({Shape.Format(x)}) as ({Shape.Format(dims)}).");
    }

    internal override void Bind(Session s) => s.BindView(this, In[0], 0);

    internal override void Forward(Session s) { }

    internal override Node?[] Gradient(Node dy) => _like is null ? [new ReshapeOp(dy, In[0])] : [new ReshapeOp(dy, In[0]), null];
}

/// <summary>Type conversion: float ↔ int32 (truncation toward zero), bool → float/int (0 or 1), float/int → bool (x ≠ 0).</summary>
internal sealed class CastOp(Node x, DType to, string? name) : Node(x.Graph, "Cast", name, to, x.Shape, x)
{
    internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[0]).CopyTo(dims);

    internal override void Forward(Session s)
    {
        bool fromInt = In[0].DType == DType.Int32;
        if (DType == DType.Int32)
        {
            if (fromInt) s.I(In[0]).CopyTo(s.I(this));
            else Convert(s.F(In[0]), s.I(this), x => (int)x);
        }
        else if (DType == DType.Bool)
        {
            if (fromInt) Convert(s.I(In[0]), s.F(this), x => x != 0 ? 1f : 0f);
            else Convert(s.F(In[0]), s.F(this), x => x != 0f ? 1f : 0f);
        }
        else if (fromInt) Convert(s.I(In[0]), s.F(this), x => (float)x);
        else s.F(In[0]).CopyTo(s.F(this));
    }

    // Static lambdas are cached by the compiler: no allocation per call.
    private static void Convert<TFrom, TTo>(ReadOnlySpan<TFrom> x, Span<TTo> y, Func<TFrom, TTo> convert)
    {
        for (int i = 0; i < x.Length; i++) y[i] = convert(x[i]);
    }

    // Only float → float casts carry a gradient (bool and int are not differentiable).
    internal override Node?[] Gradient(Node dy) => [In[0].DType == DType.Float32 && DType == DType.Float32 ? dy : null];
}
