namespace RnnNative;

/// <summary>The graph's operations, with TensorFlow's names and meaning. Each has its gradient.</summary>
public static partial class Ops
{
    /// <summary>Matrix product op(a)·op(b) of rank-2 tensors, through the session's BLAS backend.</summary>
    public static Node MatMul(Node a, Node b, bool transposeA = false, bool transposeB = false, string? name = null) =>
        new MatMulOp(a, b, transposeA, transposeB, name);

    /// <summary>a + b with trailing broadcasting (e.g. a bias of shape [n] against [.., n]).</summary>
    public static Node Add(Node a, Node b, string? name = null) => new BinaryOp(BinaryKind.Add, a, b, name);

    /// <summary>a − b with trailing broadcasting.</summary>
    public static Node Subtract(Node a, Node b, string? name = null) => new BinaryOp(BinaryKind.Subtract, a, b, name);

    /// <summary>a · b elementwise with trailing broadcasting.</summary>
    public static Node Multiply(Node a, Node b, string? name = null) => new BinaryOp(BinaryKind.Multiply, a, b, name);

    /// <summary>a / b elementwise with trailing broadcasting.</summary>
    public static Node Divide(Node a, Node b, string? name = null) => new BinaryOp(BinaryKind.Divide, a, b, name);

    /// <summary>−x.</summary>
    public static Node Negate(Node x, string? name = null) => new UnaryOp(UnaryKind.Negate, x, name);

    /// <summary>x².</summary>
    public static Node Square(Node x, string? name = null) => new UnaryOp(UnaryKind.Square, x, name);

    /// <summary>tanh x.</summary>
    public static Node Tanh(Node x, string? name = null) => new UnaryOp(UnaryKind.Tanh, x, name);

    /// <summary>σ(x) = 1 / (1 + e^−x).</summary>
    public static Node Sigmoid(Node x, string? name = null) => new UnaryOp(UnaryKind.Sigmoid, x, name);

    /// <summary>max(x, 0).</summary>
    public static Node Relu(Node x, string? name = null) => new UnaryOp(UnaryKind.Relu, x, name);

    /// <summary>eˣ.</summary>
    public static Node Exp(Node x, string? name = null) => new UnaryOp(UnaryKind.Exp, x, name);

    /// <summary>ln x.</summary>
    public static Node Log(Node x, string? name = null) => new UnaryOp(UnaryKind.Log, x, name);

    /// <summary>Sum of all elements (a scalar).</summary>
    public static Node ReduceSum(Node x, string? name = null) => new ReduceAllOp(x, mean: false, name);

    /// <summary>Mean of all elements (a scalar).</summary>
    public static Node ReduceMean(Node x, string? name = null) => new ReduceAllOp(x, mean: true, name);

    /// <summary>The same elements viewed under <paramref name="shape"/> (one dim may be -1); no copy.</summary>
    public static Node Reshape(Node x, Shape shape, string? name = null) => new ReshapeOp(x, shape, name);

    /// <summary>Converts between Float32, Int32 and Bool.</summary>
    public static Node Cast(Node x, DType dtype, string? name = null) => new CastOp(x, dtype, name);

    /// <summary>Per-example softmax cross-entropy of <paramref name="logits"/> (B, C) against int labels (B).</summary>
    public static Node SparseSoftmaxCrossEntropyWithLogits(Node labels, Node logits, string? name = null) =>
        new SparseSoftmaxXentOp(labels, logits, name);

    /// <summary>Whether each target is among the top <paramref name="k"/> predictions of its row (Bool, (B)).</summary>
    public static Node InTopK(Node predictions, Node targets, int k, string? name = null) =>
        k >= 1 ? new InTopKOp(predictions, targets, k, name) : throw new ArgumentOutOfRangeException(nameof(k), "k must be ≥ 1.");

    /// <summary>Ones with the run-time shape of x.</summary>
    public static Node OnesLike(Node x) => new FillLikeOp(x, 1f);

    /// <summary>Zeros with the run-time shape of x.</summary>
    public static Node ZerosLike(Node x) => new FillLikeOp(x, 0f);

    /// <summary>The elementwise sum of tensors of one shape.</summary>
    public static Node AddN(IReadOnlyList<Node> parts) =>
        parts.Count switch { 0 => throw new ArgumentException("AddN needs at least one input."), 1 => parts[0], _ => new AddNOp(parts.ToArray()) };
}

public static partial class Ops
{
    /// <summary>Joins tensors along <paramref name="axis"/> (negative counts from the end).</summary>
    public static Node Concat(IReadOnlyList<Node> values, int axis, string? name = null) =>
        values.Count == 0 ? throw new ArgumentException("Concat needs at least one input.") : new ConcatOp(values.ToArray(), axis, name);

    /// <summary>Elements [start, start + size) of <paramref name="axis"/>.</summary>
    public static Node Slice(Node x, int axis, int start, int size, string? name = null) => new SliceOp(x, axis, start, size, name);

    /// <summary>Splits along <paramref name="axis"/> into equal parts (<c>tf.split</c> with a count); the axis size must be known.</summary>
    public static Node[] Split(Node x, int numSplits, int axis)
    {
        int a = AxisBlocks.Normalize(axis, x.Shape.Rank, "Split");
        int size = x.Shape[a];
        if (numSplits <= 0 || size < 0 || size % numSplits != 0)
            throw new ArgumentException($"Split: axis {a} of {x.Name} {x.Shape} cannot be split into {numSplits} equal parts.");
        int part = size / numSplits;
        var parts = new Node[numSplits];
        for (int i = 0; i < numSplits; i++) parts[i] = Slice(x, a, i * part, part);
        return parts;
    }
}
