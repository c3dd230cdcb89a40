namespace RnnNative;

/// <summary>
/// A vertex of the dataflow graph: an operation and its single output tensor.
/// </summary>
/// <remarks>
/// A node knows its static shape (with -1 for dimensions fixed only at run time), computes its concrete
/// output dimensions from its inputs' (<see cref="InferDims"/>), fills its output buffer
/// (<see cref="Forward"/>), and builds the graph of its own derivative (<see cref="Gradient"/>): given the
/// node dL/dy it returns nodes dL/dx for each input, so that <see cref="Graph.Gradients"/> is reverse-mode
/// differentiation by graph construction, as in TensorFlow 1.x.
/// </remarks>
public abstract class Node
{
    private protected Node(Graph graph, string opName, string? name, DType dtype, Shape shape, params Node[] inputs)
    {
        foreach (var input in inputs)
            if (input.Graph != graph) throw new ArgumentException($"Node {input.Name} belongs to another graph.");
        Graph = graph;
        OpName = opName;
        DType = dtype;
        Shape = shape;
        In = inputs;
        Name = graph.Register(this, name ?? opName);
    }

    /// <summary>The graph this node belongs to.</summary>
    public Graph Graph { get; }

    /// <summary>Dense index of the node in its graph.</summary>
    public int Id { get; internal set; }

    /// <summary>The unique, scoped name (e.g. <c>dense/kernel</c>).</summary>
    public string Name { get; }

    /// <summary>The operation's type name (e.g. <c>MatMul</c>).</summary>
    public string OpName { get; }

    /// <summary>Element type of the output.</summary>
    public DType DType { get; }

    /// <summary>Static output shape; -1 where only known at run time.</summary>
    public Shape Shape { get; }

    /// <summary>The input nodes.</summary>
    public IReadOnlyList<Node> Inputs => In;

    internal Node[] In { get; }

    /// <summary>Writes the concrete output dimensions (length = static rank) from the inputs' concrete dims.</summary>
    internal abstract void InferDims(Session s, Span<int> dims);

    /// <summary>Binds the output storage once dims are known; most nodes own a buffer, views alias another's.</summary>
    internal virtual void Bind(Session s) => s.EnsureOwnBuffer(this);

    /// <summary>
    /// Whether computing this node reads the output tensor of input <paramref name="index"/> (true unless a node
    /// says otherwise): a node whose outputs no node of a run reads may skip writing them (<see cref="Session"/>).
    /// </summary>
    internal virtual bool ReadsInput(int index) => true;

    /// <summary>Computes the output from the inputs.</summary>
    internal abstract void Forward(Session s);

    /// <summary>Builds dL/dinput nodes from dL/doutput (<paramref name="dy"/>); null where there is none.</summary>
    internal virtual Node?[] Gradient(Node dy) =>
        throw new NotSupportedException($"Operation {OpName} ({Name}) has no gradient.");

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {OpName} {DType} {Shape}";
}
