using System.Numerics.Tensors;

namespace RnnNative;

internal enum UnaryKind { Negate, Square, Tanh, Sigmoid, Relu, Exp, Log }

/// <summary>Elementwise y = f(x) on float tensors; the derivative rule of each f is in <see cref="Gradient"/>.</summary>
internal sealed class UnaryOp(UnaryKind kind, Node x, string? name)
    : Node(x.Graph, kind.ToString(), name, DType.Float32, x.Shape, RequireFloat(x))
{
    public UnaryKind Kind => kind;

    internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[0]).CopyTo(dims);

    internal override void Forward(Session s)
    {
        ReadOnlySpan<float> x = s.F(In[0]);
        Span<float> y = s.F(this);
        switch (kind)
        {
            case UnaryKind.Negate: TensorPrimitives.Negate(x, y); break;
            case UnaryKind.Square: TensorPrimitives.Multiply(x, x, y); break;
            case UnaryKind.Tanh: TensorPrimitives.Tanh(x, y); break;
            case UnaryKind.Sigmoid: TensorPrimitives.Sigmoid(x, y); break;
            case UnaryKind.Relu: TensorPrimitives.Max(x, 0f, y); break;
            case UnaryKind.Exp: TensorPrimitives.Exp(x, y); break;
            case UnaryKind.Log: TensorPrimitives.Log(x, y); break;
        }
    }

    // d/dx: −1; 2x; 1−y²; y(1−y); [y>0]; y; 1/x.
    internal override Node?[] Gradient(Node dy) => kind switch
    {
        UnaryKind.Negate => [Ops.Negate(dy)],
        UnaryKind.Square => [Ops.Multiply(dy, Ops.Multiply(In[0], Graph.Constant(2f)))],
        UnaryKind.Tanh or UnaryKind.Sigmoid or UnaryKind.Relu => [new ActivationGradOp(kind, this, dy)],
        UnaryKind.Exp => [Ops.Multiply(dy, this)],
        UnaryKind.Log => [Ops.Divide(dy, In[0])],
        _ => throw new NotSupportedException(kind.ToString()),
    };

    internal static Node RequireFloat(Node x) => x.DType == DType.Float32 ? x
        : throw new ArgumentException($"{x.Name} is {x.DType}; this operation needs Float32 (use Ops.Cast).");
}

/// <summary>dx from the activation's output y and dy: tanh dy·(1−y²), sigmoid dy·y·(1−y), relu dy·[y&gt;0].</summary>
internal sealed class ActivationGradOp(UnaryKind kind, Node y, Node dy)
    : Node(y.Graph, kind + "Grad", null, DType.Float32, y.Shape, y, dy)
{
    internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[0]).CopyTo(dims);

    internal override void Forward(Session s) => Apply(kind, s.F(In[0]), s.F(In[1]), s.F(this));

    internal static void Apply(UnaryKind kind, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        switch (kind)
        {
            case UnaryKind.Tanh: // dx = dy − dy·y²
                TensorPrimitives.Multiply(y, y, dx);
                TensorPrimitives.Multiply(dx, dy, dx);
                TensorPrimitives.Subtract(dy, dx, dx);
                break;
            case UnaryKind.Sigmoid: // dx = dy·y − dy·y²
                TensorPrimitives.Multiply(y, y, dx);
                TensorPrimitives.Subtract(y, dx, dx);
                TensorPrimitives.Multiply(dx, dy, dx);
                break;
            default:
                for (int i = 0; i < dx.Length; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
                break;
        }
    }
}
