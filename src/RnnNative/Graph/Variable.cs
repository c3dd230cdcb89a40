namespace RnnNative;

/// <summary>A trainable (or not) tensor whose value lives in the session's parameter slab.</summary>
public sealed class Variable : Node
{
    internal Variable(Graph graph, string name, Shape shape, Initializer initializer, bool trainable)
        : base(graph, "Variable", name, DType.Float32, shape)
    {
        if (!shape.IsFullyDefined) throw new ArgumentException($"Variable {name} needs a fully defined shape, got {shape}.");
        Initializer = initializer;
        Trainable = trainable;
        Seed = SeedMixer.Mix((ulong)(uint)graph.Seed, (ulong)graph.NextOpSeed());
    }

    /// <summary>How the value is set by <see cref="Graph.GlobalVariablesInitializer"/>.</summary>
    public Initializer Initializer { get; }

    /// <summary>Whether optimizers update it by default.</summary>
    public bool Trainable { get; }

    internal ulong Seed { get; }

    internal override void InferDims(Session s, Span<int> dims) => Shape.Dims.CopyTo(dims);

    internal override void Bind(Session s) => s.BindExternal(this, s.Parameters.Values, null, s.Parameters.OffsetOf(this));

    internal override void Forward(Session s) => s.Parameters.CheckInitialized(this);

    internal override Node?[] Gradient(Node dy) => [];
}
