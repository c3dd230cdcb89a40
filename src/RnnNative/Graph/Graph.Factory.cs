namespace RnnNative;

public sealed partial class Graph
{
    /// <summary>A placeholder fed at run time (<c>tf.placeholder</c>); -1 dims accept any size.</summary>
    public Placeholder Placeholder(string name, Shape shape, DType dtype = DType.Float32) => new(this, name, shape, dtype, null);

    /// <summary>A placeholder that takes <paramref name="defaultValue"/> when not fed (<c>tf.placeholder_with_default</c>).</summary>
    public Placeholder PlaceholderWithDefault(string name, Tensor defaultValue, Shape? shape = null) =>
        new(this, name, shape ?? defaultValue.Shape, defaultValue.DType, defaultValue);

    /// <summary>A variable in the current name scope (<c>tf.get_variable</c>).</summary>
    public Variable Variable(string name, Shape shape, Initializer? initializer = null, bool trainable = true) =>
        new(this, name, shape, initializer ?? RnnNative.Initializer.GlorotUniform(), trainable);

    /// <summary>A constant tensor.</summary>
    public Constant Constant(Tensor value, string? name = null) => new(this, value, name);

    /// <summary>A float scalar constant.</summary>
    public Constant Constant(float value, string? name = null) => new(this, Tensor.Scalar(value), name);
}
