namespace RnnNative;

public static partial class Ops
{
    /// <summary>Softmax along the last axis (<c>tf.nn.softmax</c>), numerically stable.</summary>
    /// <remarks>y = exp(x − max x) / Σ exp(x − max x) per row; dx = y ⊙ (dy − Σ dy ⊙ y).</remarks>
    public static Node Softmax(Node logits, string? name = null) => new SoftmaxOp(logits, name);

    /// <summary>Sum along <paramref name="axis"/> (negative counts from the end); keepDims leaves it as 1.</summary>
    public static Node ReduceSum(Node x, int axis, bool keepDims = false, string? name = null) =>
        new ReduceAxisOp(x, axis, keepDims, mean: false, name);

    /// <summary>Mean along <paramref name="axis"/> (negative counts from the end); keepDims leaves it as 1.</summary>
    public static Node ReduceMean(Node x, int axis, bool keepDims = false, string? name = null) =>
        new ReduceAxisOp(x, axis, keepDims, mean: true, name);

    /// <summary>Permutes the axes (<c>tf.transpose</c>): output dim i is input dim perm[i]; rank ≤ 4. Without perm, reverses them.</summary>
    public static Node Transpose(Node x, int[]? perm = null, string? name = null) =>
        new TransposeOp(x, perm ?? Enumerable.Range(0, x.Shape.Rank).Reverse().ToArray(), name);

    /// <summary>The scalar mean of (predictions − labels)² over all elements (<c>tf.losses.mean_squared_error</c>).</summary>
    /// <remarks>Both Float32 of one shape; the gradient reaches both.</remarks>
    public static Node MeanSquaredError(Node labels, Node predictions, string? name = null)
    {
        if (!WhereOp.ShapesAgree(labels.Shape, predictions.Shape))
            throw new ArgumentException($"MeanSquaredError: labels {labels.Name} {labels.Shape} and predictions {predictions.Name} {predictions.Shape} differ in shape.");
        return ReduceMean(Square(Subtract(predictions, labels)), name ?? "mean_squared_error");
    }

    /// <summary>Index of the largest value along <paramref name="axis"/> (Int32, that axis removed); ties give the first.</summary>
    public static Node ArgMax(Node x, int axis, string? name = null) => new ArgMaxOp(x, axis, name);

    /// <summary>a == b elementwise (Bool) with trailing broadcasting; Float32/Bool or Int32 inputs.</summary>
    public static Node Equal(Node a, Node b, string? name = null) => new EqualOp(a, b, name);

    /// <summary>max(a, b) elementwise with trailing broadcasting; the gradient goes to a where a ≥ b, else to b.</summary>
    public static Node Maximum(Node a, Node b, string? name = null) => new BinaryOp(BinaryKind.Maximum, a, b, name);

    /// <summary>min(a, b) elementwise with trailing broadcasting; the gradient goes to a where a ≤ b, else to b.</summary>
    public static Node Minimum(Node a, Node b, string? name = null) => new BinaryOp(BinaryKind.Minimum, a, b, name);

    /// <summary>x where <paramref name="condition"/> is true, else y (<c>tf.where</c> with three arguments of one shape).</summary>
    public static Node Where(Node condition, Node x, Node y, string? name = null) => new WhereOp(condition, x, y, name);

    /// <summary>Rows of <paramref name="parameters"/> (V, D) picked by Int32 <paramref name="ids"/> (..) → (.., D).</summary>
    /// <remarks>The gradient is a dense (V, D) scatter-add; an id outside [0, V) throws, naming the id and its position.</remarks>
    public static Node EmbeddingLookup(Node parameters, Node ids, string? name = null) => new EmbeddingLookupOp(parameters, ids, name);

    /// <summary>The identity, through which no gradient flows (<c>tf.stop_gradient</c>).</summary>
    public static Node StopGradient(Node x, string? name = null) => new StopGradientOp(x, name);

    /// <summary>
    /// Inverted dropout while <paramref name="training"/> (a Bool or Float32 scalar, e.g. <see cref="TrainingFlag"/>)
    /// is true: keep with probability <paramref name="keepProb"/> and scale by 1/keepProb; identity otherwise.
    /// </summary>
    /// <remarks>Masks are deterministic per (graph seed, <paramref name="seed"/>, step); the gradient uses the same mask.</remarks>
    public static Node Dropout(Node x, float keepProb, Node training, int? seed = null, string? name = null) =>
        new DropoutOp(x, keepProb, training, seed, name);

    /// <summary>A Bool scalar placeholder that is false unless fed (e.g. with <c>Tensor.Scalar(1f)</c>): the switch for dropout.</summary>
    public static Placeholder TrainingFlag(Graph graph, string name = "training") =>
        graph.PlaceholderWithDefault(name, Tensor.Wrap([], DType.Bool, [0f], null));
}
