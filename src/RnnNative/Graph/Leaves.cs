namespace RnnNative;

/// <summary>A graph input fed at run time through a <see cref="FeedDict"/> (like <c>tf.placeholder</c>).</summary>
public sealed class Placeholder : Node
{
    internal Placeholder(Graph graph, string name, Shape shape, DType dtype, Tensor? defaultValue)
        : base(graph, "Placeholder", name, dtype, shape)
    {
        if (defaultValue is not null) Check(defaultValue, "default value");
        Default = defaultValue;
    }

    /// <summary>The value used when the placeholder is not fed (null: feeding is required).</summary>
    public Tensor? Default { get; }

    internal override void InferDims(Session s, Span<int> dims) => Value(s).Dims.CopyTo(dims);

    internal override void Bind(Session s)
    {
        var value = Value(s);
        s.BindExternal(this, value.Floats, value.Ints, 0);
    }

    internal override void Forward(Session s) { }

    internal override Node?[] Gradient(Node dy) => [];

    private Tensor Value(Session s)
    {
        if (s.Feeds is not null && s.Feeds.TryGetValue(this, out var fed))
        {
            Check(fed, "fed value");
            return fed;
        }
        return Default ?? throw new InvalidOperationException(
            $"You must feed a value for placeholder '{Name}' with dtype {DType} and shape {Shape}.");
    }

    private void Check(Tensor value, string what)
    {
        bool dtypeOk = value.DType == DType || (DType == DType.Bool && value.DType == DType.Float32);
        if (!dtypeOk || !Shape.IsCompatibleWith(value.Dims))
            throw new ArgumentException(
                $"Placeholder '{Name}' expects {DType} of shape {Shape}, but the {what} is {value.DType} of shape {value.Shape}.");
    }
}

/// <summary>A constant tensor baked into the graph.</summary>
public sealed class Constant : Node
{
    internal Constant(Graph graph, Tensor value, string? name)
        : base(graph, "Const", name, value.DType, value.Shape) => Value = value;

    /// <summary>The constant's value.</summary>
    public Tensor Value { get; }

    internal override void InferDims(Session s, Span<int> dims) => Value.Dims.CopyTo(dims);
    internal override void Bind(Session s) => s.BindExternal(this, Value.Floats, Value.Ints, 0);
    internal override void Forward(Session s) { }
    internal override Node?[] Gradient(Node dy) => [];
}

/// <summary>A node without an output tensor: a training step, an initialiser. Running it returns null.</summary>
public abstract class Operation : Node
{
    private protected Operation(Graph graph, string opName, string? name, params Node[] inputs)
        : base(graph, opName, name, DType.Float32, Shape.Scalar, inputs) { }

    internal override void InferDims(Session s, Span<int> dims) { }
    internal override void Bind(Session s) { }
    internal override Node?[] Gradient(Node dy) => [];
}

internal sealed class VariablesInitializer(Graph graph, Variable[] variables) : Operation(graph, "init", "init")
{
    internal override void Forward(Session s)
    {
        foreach (var v in variables)
        {
            v.Initializer.Fill(s.Parameters.ValuesOf(v), v.Shape.Dims, v.Seed);
            s.Parameters.MarkInitialized(v);
        }
    }
}
