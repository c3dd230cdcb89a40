namespace RnnNative;

/// <summary>Row-major blocks along one axis: (outer, axis, inner) views of a shape.</summary>
internal static class AxisBlocks
{
    public static int Normalize(int axis, int rank, string op) =>
        axis >= -rank && axis < rank ? (axis < 0 ? axis + rank : axis)
            : throw new ArgumentOutOfRangeException(nameof(axis), $"{op}: axis {axis} is out of range for rank {rank}.");

    public static (int Outer, int Inner) Split(ReadOnlySpan<int> dims, int axis)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= dims[i];
        for (int i = axis + 1; i < dims.Length; i++) inner *= dims[i];
        return (outer, inner);
    }
}

/// <summary>Joins tensors along an axis (<c>tf.concat</c>); the other dims must agree.</summary>
/// <remarks>Gradient: the matching slices of dy.</remarks>
internal sealed class ConcatOp : Node
{
    private readonly int _axis;

    public ConcatOp(Node[] parts, int axis, string? name)
        : base(parts[0].Graph, "Concat", name, DType.Float32, StaticShape(parts, axis), parts)
        => _axis = AxisBlocks.Normalize(axis, parts[0].Shape.Rank, "Concat");

    private static Shape StaticShape(Node[] parts, int axis)
    {
        int rank = parts[0].Shape.Rank;
        axis = AxisBlocks.Normalize(axis, rank, "Concat");
        var dims = parts[0].Shape.ToArray();
        dims[axis] = 0;
        foreach (var p in parts)
        {
            UnaryOp.RequireFloat(p);
            if (p.Shape.Rank != rank) throw new ArgumentException($"Concat: {p.Name} {p.Shape} has rank {p.Shape.Rank}, expected {rank}.");
            dims[axis] = dims[axis] == -1 || p.Shape[axis] == -1 ? -1 : dims[axis] + p.Shape[axis];
        }
        return new Shape(dims);
    }

    internal override void InferDims(Session s, Span<int> dims)
    {
        s.Dims(In[0]).CopyTo(dims);
        dims[_axis] = 0;
        foreach (var p in In)
        {
            var d = s.Dims(p);
            for (int i = 0; i < d.Length; i++)
                if (i != _axis && d[i] != dims[i])
                    throw new ArgumentException($"Concat {Name}: ({Shape.Format(d)}) of {p.Name} does not match along axis {i}.");
            dims[_axis] += d[_axis];
        }
    }

    internal override void Forward(Session s)
    {
        var (outer, inner) = AxisBlocks.Split(s.Dims(this), _axis);
        var y = s.F(this);
        int rowLength = s.Dims(this)[_axis] * inner, column = 0;
        foreach (var p in In)
        {
            int width = s.Dims(p)[_axis] * inner;
            ReadOnlySpan<float> x = s.F(p);
            for (int o = 0; o < outer; o++) x.Slice(o * width, width).CopyTo(y.Slice(o * rowLength + column, width));
            column += width;
        }
    }

    internal override Node?[] Gradient(Node dy)
    {
        var grads = new Node?[In.Length];
        for (int i = 0; i < In.Length; i++) grads[i] = new SliceOp(dy, _axis, In[..i], In[i], null);
        return grads;
    }
}

/// <summary>
/// A slice along one axis (<c>tf.slice</c> on one axis): elements [start, start + size) of that axis. The start
/// is a fixed number, or the summed run-time sizes along the axis of some nodes (for concat's gradient).
/// </summary>
/// <remarks>Gradient: dy written into zeros of x's shape at the same place.</remarks>
internal sealed class SliceOp : Node
{
    private readonly int _axis, _start, _size;
    private readonly Node[] _before;
    private readonly Node? _sizeLike;

    public SliceOp(Node x, int axis, int start, int size, string? name)
        : base(x.Graph, "Slice", name, DType.Float32, SliceShape(x, axis, size), UnaryOp.RequireFloat(x))
    {
        _axis = AxisBlocks.Normalize(axis, x.Shape.Rank, "Slice");
        if (start < 0 || size < 0 || (x.Shape[_axis] != -1 && start + size > x.Shape[_axis]))
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice of {x.Name} {x.Shape}: [{start}, {start + size}) is outside axis {_axis}.");
        (_start, _size, _before) = (start, size, []);
    }

    // Slice of x shaped like `like` along axis, starting after the parts `before` (concat's gradient).
    public SliceOp(Node x, int axis, Node[] before, Node like, string? name)
        : base(x.Graph, "Slice", name, DType.Float32, like.Shape, [x, .. before, like])
        => (_axis, _before, _sizeLike, _size) = (axis, before, like, -1);

    private static Shape SliceShape(Node x, int axis, int size)
    {
        var dims = x.Shape.ToArray();
        dims[AxisBlocks.Normalize(axis, dims.Length, "Slice")] = size;
        return new Shape(dims);
    }

    internal int Axis => _axis;

    internal (int Start, int Size) Range(Session s)
    {
        if (_sizeLike is null) return (_start, _size);
        int start = 0;
        foreach (var b in _before) start += s.Dims(b)[_axis];
        return (start, s.Dims(_sizeLike)[_axis]);
    }

    internal override void InferDims(Session s, Span<int> dims)
    {
        var x = s.Dims(In[0]);
        var (start, size) = Range(s);
        if (start + size > x[_axis])
            throw new ArgumentOutOfRangeException(nameof(dims), $"Slice {Name}: [{start}, {start + size}) is outside axis {_axis} of ({Shape.Format(x)}).");
        x.CopyTo(dims);
        dims[_axis] = size;
    }

    internal override void Forward(Session s)
    {
        var x = s.Dims(In[0]);
        var (outer, inner) = AxisBlocks.Split(x, _axis);
        var (start, size) = Range(s);
        ReadOnlySpan<float> source = s.F(In[0]);
        var y = s.F(this);
        int rowLength = x[_axis] * inner, width = size * inner;
        for (int o = 0; o < outer; o++) source.Slice(o * rowLength + start * inner, width).CopyTo(y.Slice(o * width, width));
    }

    internal override Node?[] Gradient(Node dy)
    {
        var grads = new Node?[In.Length];
        grads[0] = new SliceGradOp(this, dy);
        return grads;
    }
}

/// <summary>dx of a slice: zeros of x's shape with dy written at the slice's place.</summary>
internal sealed class SliceGradOp(SliceOp slice, Node dy)
    : Node(slice.Graph, "SliceGrad", null, DType.Float32, slice.In[0].Shape, [dy, .. slice.In])
{
    internal override void InferDims(Session s, Span<int> dims) => s.Dims(slice.In[0]).CopyTo(dims);

    internal override void Forward(Session s)
    {
        var x = s.Dims(this);
        int axis = slice.Axis;
        var (outer, inner) = AxisBlocks.Split(x, axis);
        var (start, size) = slice.Range(s);
        var dx = s.F(this);
        ReadOnlySpan<float> upstream = s.F(In[0]);
        dx.Clear();
        int rowLength = x[axis] * inner, width = size * inner;
        for (int o = 0; o < outer; o++) upstream.Slice(o * width, width).CopyTo(dx.Slice(o * rowLength + start * inner, width));
    }
}
