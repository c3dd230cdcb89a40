namespace RnnNative;

/// <summary>C = op(A)·op(B) for rank-2 A, B through the session's BLAS backend.</summary>
/// <remarks>
/// Gradients (for C = A·B): dA = dC·Bᵀ, dB = Aᵀ·dC; with transposes the same identities give
/// dA = B·dCᵀ when A is transposed (and so on), each again one GEMM.
/// </remarks>
internal sealed class MatMulOp : Node
{
    private readonly bool _transA, _transB;

    public MatMulOp(Node a, Node b, bool transA, bool transB, string? name)
        : base(a.Graph, "MatMul", name, DType.Float32, StaticShape(a, b, transA, transB), UnaryOp.RequireFloat(a), UnaryOp.RequireFloat(b))
    {
        _transA = transA;
        _transB = transB;
    }

    private static Shape StaticShape(Node a, Node b, bool transA, bool transB)
    {
        if (a.Shape.Rank != 2 || b.Shape.Rank != 2)
            throw new ArgumentException($"MatMul needs rank-2 inputs, got {a.Name} {a.Shape} and {b.Name} {b.Shape}.");
        int ka = transA ? a.Shape[0] : a.Shape[1], kb = transB ? b.Shape[1] : b.Shape[0];
        if (ka != -1 && kb != -1 && ka != kb)
            throw new ArgumentException($"MatMul inner dimensions differ: {a.Name} {a.Shape}{(transA ? "ᵀ" : "")} · {b.Name} {b.Shape}{(transB ? "ᵀ" : "")}.");
        return new Shape(transA ? a.Shape[1] : a.Shape[0], transB ? b.Shape[0] : b.Shape[1]);
    }

    internal override void InferDims(Session s, Span<int> dims)
    {
        var a = s.Dims(In[0]);
        var b = s.Dims(In[1]);
        int ka = _transA ? a[0] : a[1], kb = _transB ? b[1] : b[0];
        if (ka != kb)
            throw new ArgumentException($"MatMul {Name}: inner dimensions differ at run time: ({Shape.Format(a)}) · ({Shape.Format(b)}).");
        dims[0] = _transA ? a[1] : a[0];
        dims[1] = _transB ? b[0] : b[1];
    }

    internal override void Forward(Session s)
    {
        var a = s.Dims(In[0]);
        var b = s.Dims(In[1]);
        var c = s.Dims(this);
        int m = c[0], n = c[1], k = _transA ? a[0] : a[1];
        var output = s.F(this);
        if (m == 0 || n == 0) return;
        if (k == 0) { output.Clear(); return; }
        s.Compute.Gemm.Sgemm(_transA, _transB, m, n, k, 1f, s.F(In[0]), a[1], s.F(In[1]), b[1], 0f, output, n);
    }

    internal override Node?[] Gradient(Node dy)
    {
        Node a = In[0], b = In[1];
        Node da = (_transA, _transB) switch
        {
            (false, false) => Ops.MatMul(dy, b, transposeB: true),
            (false, true) => Ops.MatMul(dy, b),
            (true, false) => Ops.MatMul(b, dy, transposeB: true),
            (true, true) => Ops.MatMul(b, dy, transposeA: true, transposeB: true),
        };
        Node db = (_transA, _transB) switch
        {
            (false, false) => Ops.MatMul(a, dy, transposeA: true),
            (false, true) => Ops.MatMul(dy, a, transposeA: true),
            (true, false) => Ops.MatMul(a, dy),
            (true, true) => Ops.MatMul(dy, a, transposeA: true, transposeB: true),
        };
        return [da, db];
    }
}
