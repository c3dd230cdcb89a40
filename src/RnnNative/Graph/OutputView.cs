namespace RnnNative;

/// <summary>
/// An operation with several outputs: output 0 is the node itself, outputs 1.. are <see cref="OutputView"/>
/// nodes that alias parts of its storage. Its gradient sees the gradients of all outputs at once.
/// </summary>
internal interface IMultiOutput
{
    /// <summary>dL/dinput for each input, from dL/doutput for each output (null where an output got none).</summary>
    Node?[] Gradient(Node?[] dys);

    /// <summary>Total number of outputs (including output 0).</summary>
    int OutputCount { get; }
}

/// <summary>Output <see cref="Index"/> (≥ 1) of a multi-output node: a view at an offset of its storage.</summary>
internal sealed class OutputView : Node
{
    private readonly Func<Session, int> _offset;
    private readonly DimsRule _dims;

    internal delegate void DimsRule(Session s, Span<int> dims);

    public OutputView(Node parent, int index, string name, Shape shape, DimsRule dims, Func<Session, int> offset)
        : base(parent.Graph, "Output", $"{parent.Name}:{name}", parent.DType, shape, parent)
        => (Parent, Index, _dims, _offset) = (parent, index, dims, offset);

    /// <summary>The multi-output node.</summary>
    public Node Parent { get; }

    /// <summary>Which output this is.</summary>
    public int Index { get; }

    internal override void InferDims(Session s, Span<int> dims) => _dims(s, dims);
    internal override void Bind(Session s) => s.BindView(this, Parent, _offset(s));
    internal override void Forward(Session s) { }
    internal override bool ReadsInput(int index) => false;   // aliases its own part of the parent's storage
    internal override Node?[] Gradient(Node dy) => throw new InvalidOperationException("Views are differentiated through their parent.");
}
