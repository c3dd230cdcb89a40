using System.Numerics.Tensors;

namespace RnnNative;

/// <summary>Softmax along the last axis (<c>tf.nn.softmax</c>), numerically stable.</summary>
/// <remarks>
/// x: (.., C) → y: (.., C), y = exp(x − max x) / Σ exp(x − max x) per row.
/// Gradient: dx = y ⊙ (dy − Σ_c dy_c·y_c) per row (<see cref="SoftmaxGradOp"/>).
/// </remarks>
internal sealed class SoftmaxOp : Node
{
    public SoftmaxOp(Node logits, string? name)
        : base(logits.Graph, "Softmax", name, DType.Float32, logits.Shape, RequireRows(logits)) { }

    private static Node RequireRows(Node logits) => logits.Shape.Rank >= 1 ? UnaryOp.RequireFloat(logits)
        : throw new ArgumentException($"Softmax needs rank ≥ 1, got scalar {logits.Name}.");

    internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[0]).CopyTo(dims);

    internal override void Forward(Session s)
    {
        ReadOnlySpan<float> x = s.F(In[0]);
        var y = s.F(this);
        int classes = s.Dims(this)[^1];
        if (classes == 0) return;
        for (int row = 0; row < y.Length; row += classes)
            Softmax.Row(x.Slice(row, classes), y.Slice(row, classes), out _);
    }

    internal override Node?[] Gradient(Node dy) => [new SoftmaxGradOp(this, dy)];
}

/// <summary>dx = y ⊙ (dy − ⟨dy, y⟩) per row of the last axis, from the softmax output y.</summary>
internal sealed class SoftmaxGradOp(Node y, Node dy) : Node(y.Graph, "SoftmaxGrad", null, DType.Float32, y.Shape, y, dy)
{
    internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[0]).CopyTo(dims);

    internal override void Forward(Session s)
    {
        ReadOnlySpan<float> y = s.F(In[0]), dy = s.F(In[1]);
        var dx = s.F(this);
        int classes = s.Dims(this)[^1];
        if (classes == 0) return;
        for (int row = 0; row < dx.Length; row += classes)
        {
            var yRow = y.Slice(row, classes);
            var dxRow = dx.Slice(row, classes);
            float dot = TensorPrimitives.Dot(dy.Slice(row, classes), yRow);
            TensorPrimitives.Subtract(dy.Slice(row, classes), dot, dxRow);
            TensorPrimitives.Multiply(dxRow, yRow, dxRow);
        }
    }
}
