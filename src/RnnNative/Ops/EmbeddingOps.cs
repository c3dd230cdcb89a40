using System.Numerics.Tensors;

namespace RnnNative;

/// <summary>Rows of a [V, D] table gathered by Int32 ids (<c>tf.nn.embedding_lookup</c>).</summary>
/// <remarks>
/// params: (V, D), ids: (..) → y: (.., D), y[p] = params[ids[p]]. An id outside [0, V) throws, naming the id and
/// its position. Gradient: a dense (V, D) scatter-add, dparams[ids[p]] += dy[p] (<see cref="EmbeddingGradOp"/>).
/// </remarks>
internal sealed class EmbeddingLookupOp : Node
{
    public EmbeddingLookupOp(Node parameters, Node ids, string? name)
        : base(parameters.Graph, "EmbeddingLookup", name, DType.Float32, LookupShape(parameters, ids), UnaryOp.RequireFloat(parameters), ids) { }

    private static Shape LookupShape(Node parameters, Node ids)
    {
        if (parameters.Shape.Rank != 2)
            throw new ArgumentException($"EmbeddingLookup: params {parameters.Name} must be (V, D), got {parameters.Shape}.");
        if (ids.DType != DType.Int32)
            throw new ArgumentException($"EmbeddingLookup: ids {ids.Name} must be Int32, got {ids.DType}.");
        return new Shape([.. ids.Shape.ToArray(), parameters.Shape[1]]);
    }

    internal override void InferDims(Session s, Span<int> dims)
    {
        var ids = s.Dims(In[1]);
        ids.CopyTo(dims);
        dims[^1] = s.Dims(In[0])[1];
    }

    internal override void Forward(Session s)
    {
        ReadOnlySpan<float> table = s.F(In[0]);
        ReadOnlySpan<int> ids = s.I(In[1]);
        var y = s.F(this);
        int vocabulary = s.Dims(In[0])[0], width = s.Dims(In[0])[1];
        for (int p = 0; p < ids.Length; p++)
        {
            int id = CheckedId(s, ids, p, vocabulary);
            table.Slice(id * width, width).CopyTo(y.Slice(p * width, width));
        }
    }

    /// <summary>ids[p], or an exception naming the id and its (multi-dimensional) position.</summary>
    internal int CheckedId(Session s, ReadOnlySpan<int> ids, int p, int vocabulary)
    {
        int id = ids[p];
        if ((uint)id < (uint)vocabulary) return id;
        var dims = s.Dims(In[1]);
        var position = new int[dims.Length];
        for (int i = dims.Length - 1, rest = p; i >= 0; rest /= dims[i], i--) position[i] = rest % dims[i];
        throw new ArgumentOutOfRangeException("ids",
            $"{Name}: id {id} at position [{string.Join(", ", position)}] of {In[1].Name} is outside [0, {vocabulary}).");
    }

    internal override Node?[] Gradient(Node dy) => [new EmbeddingGradOp(this, dy), null];
}

/// <summary>dparams (V, D) = zeros with dparams[ids[p]] += dy[p] for every position p (repeated ids accumulate).</summary>
internal sealed class EmbeddingGradOp(EmbeddingLookupOp lookup, Node dy)
    : Node(lookup.Graph, "EmbeddingLookupGrad", null, DType.Float32, lookup.In[0].Shape, dy, lookup.In[0], lookup.In[1])
{
    internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[1]).CopyTo(dims);

    internal override void Forward(Session s)
    {
        ReadOnlySpan<float> upstream = s.F(In[0]);
        ReadOnlySpan<int> ids = s.I(In[2]);
        var dtable = s.F(this);
        int vocabulary = s.Dims(In[1])[0], width = s.Dims(In[1])[1];
        dtable.Clear();
        for (int p = 0; p < ids.Length; p++)
        {
            var row = dtable.Slice(lookup.CheckedId(s, ids, p, vocabulary) * width, width);
            TensorPrimitives.Add(row, upstream.Slice(p * width, width), row);
        }
    }
}

/// <summary>The identity in the forward pass, a wall for gradients (<c>tf.stop_gradient</c>); a view, no copy.</summary>
internal sealed class StopGradientOp(Node x, string? name) : Node(x.Graph, "StopGradient", name, x.DType, x.Shape, x)
{
    internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[0]).CopyTo(dims);
    internal override void Bind(Session s) => s.BindView(this, In[0], 0);
    internal override void Forward(Session s) { }
    internal override Node?[] Gradient(Node dy) => [null];
}
