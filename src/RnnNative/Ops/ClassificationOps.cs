namespace RnnNative;

/// <summary>
/// Per-example cross-entropy of softmax(logits) against integer labels, fused and numerically stable.
/// </summary>
/// <remarks>
/// logits: (B, C), labels: (B) int32 → loss (B): loss_b = logsumexp(z_b) − z_b[y_b], computed as
/// m + log Σ exp(z − m) with m = max z. Gradient: dz_b = dy_b · (softmax(z_b) − onehot(y_b)); the softmax
/// is saved by the forward pass. A label outside [0, C) throws, naming the example and the label.
/// </remarks>
internal sealed class SparseSoftmaxXentOp : Node
{
    public SparseSoftmaxXentOp(Node labels, Node logits, string? name)
        : base(logits.Graph, "SparseSoftmaxCrossEntropyWithLogits", name, DType.Float32, new Shape(logits.Shape[0]), labels, logits)
    {
        if (labels.DType != DType.Int32 || labels.Shape.Rank != 1)
            throw new ArgumentException($"Labels {labels.Name} must be Int32 of rank 1, got {labels.DType} {labels.Shape}.");
        if (logits.DType != DType.Float32 || logits.Shape.Rank != 2)
            throw new ArgumentException($"Logits {logits.Name} must be Float32 of rank 2, got {logits.DType} {logits.Shape}.");
    }

    internal sealed class Saved { public float[] Probabilities = []; }

    internal override void InferDims(Session s, Span<int> dims)
    {
        var logits = s.Dims(In[1]);
        if (s.Dims(In[0])[0] != logits[0])
            throw new ArgumentException($"{Name}: {s.Dims(In[0])[0]} labels for {logits[0]} rows of logits.");
        dims[0] = logits[0];
    }

    internal override void Forward(Session s)
    {
        ReadOnlySpan<int> labels = s.I(In[0]);
        ReadOnlySpan<float> logits = s.F(In[1]);
        var loss = s.F(this);
        int batch = loss.Length, classes = batch == 0 ? 0 : logits.Length / batch;
        var saved = s.State<Saved>(this);
        if (saved.Probabilities.Length < logits.Length) saved.Probabilities = new float[logits.Length];
        for (int b = 0; b < batch; b++)
        {
            int label = labels[b];
            if ((uint)label >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels), $"{Name}: label {label} of example {b} is outside [0, {classes}).");
            var p = saved.Probabilities.AsSpan(b * classes, classes);
            Softmax.Row(logits.Slice(b * classes, classes), p, out float logSumExp);
            loss[b] = logSumExp - logits[b * classes + label];
        }
    }

    internal override Node?[] Gradient(Node dy) => [null, new SparseSoftmaxXentGradOp(this, dy)];
}

/// <summary>dlogits (B, C) = dy_b · (softmax_b − onehot(label_b)), from the forward's saved softmax.</summary>
internal sealed class SparseSoftmaxXentGradOp(SparseSoftmaxXentOp forward, Node dy)
    : Node(forward.Graph, "SparseSoftmaxCrossEntropyGrad", null, DType.Float32, forward.In[1].Shape, forward, dy, forward.In[0])
{
    internal override void InferDims(Session s, Span<int> dims) => s.Dims(forward.In[1]).CopyTo(dims);

    internal override void Forward(Session s)
    {
        var probabilities = s.State<SparseSoftmaxXentOp.Saved>(forward).Probabilities;
        ReadOnlySpan<float> upstream = s.F(In[1]);
        ReadOnlySpan<int> labels = s.I(In[2]);
        var dz = s.F(this);
        int batch = upstream.Length, classes = batch == 0 ? 0 : dz.Length / batch;
        for (int b = 0; b < batch; b++)
        {
            var row = dz.Slice(b * classes, classes);
            System.Numerics.Tensors.TensorPrimitives.Multiply(probabilities.AsSpan(b * classes, classes), upstream[b], row);
            row[labels[b]] -= upstream[b];
        }
    }
}

/// <summary>Whether each target's prediction is among the k largest of its row (<c>tf.nn.in_top_k</c>).</summary>
/// <remarks>True when the target's score is finite and fewer than k scores of its row are strictly greater.</remarks>
internal sealed class InTopKOp(Node predictions, Node targets, int k, string? name)
    : Node(predictions.Graph, "InTopK", name, DType.Bool, new Shape(predictions.Shape[0]), predictions, targets)
{
    internal override void InferDims(Session s, Span<int> dims)
    {
        int rows = s.Dims(In[0])[0], targets = s.Dims(In[1])[0];
        if (rows != targets) throw new ArgumentException($"{Name}: {targets} targets for {rows} rows of predictions.");
        dims[0] = rows;
    }

    internal override void Forward(Session s)
    {
        ReadOnlySpan<float> scores = s.F(In[0]);
        ReadOnlySpan<int> targets = s.I(In[1]);
        var result = s.F(this);
        int classes = s.Dims(In[0])[1];
        for (int b = 0; b < result.Length; b++)
        {
            var row = scores.Slice(b * classes, classes);
            int target = targets[b];
            if ((uint)target >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(targets), $"{Name}: target {target} of example {b} is outside [0, {classes}).");
            float score = row[target];
            int greater = 0;
            foreach (float v in row) if (v > score) greater++;
            result[b] = float.IsFinite(score) && greater < k ? 1f : 0f;
        }
    }

    internal override Node?[] Gradient(Node dy) => [null, null];
}
