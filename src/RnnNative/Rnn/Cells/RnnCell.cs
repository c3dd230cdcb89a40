namespace RnnNative;

/// <summary>Activation of a basic RNN cell.</summary>
public enum Activation
{
    /// <summary>tanh.</summary>
    Tanh,
    /// <summary>max(x, 0).</summary>
    Relu,
}

/// <summary>
/// A recurrent cell (TF1 <c>RNNCell</c>): its variables, one time step as a composition of <see cref="Ops"/>
/// (used by <see cref="Rnn.Static"/>), and the description of its fused kernel (used by <see cref="Rnn.Dynamic"/>).
/// </summary>
/// <remarks>
/// Variables are created on first use, under the caller's scope and the cell's name (e.g.
/// <c>rnn/basic_rnn_cell/kernel</c>), and shared by every later use of the same cell object.
/// </remarks>
public abstract class RnnCell
{
    private protected RnnCell(int numUnits, string name)
    {
        if (numUnits <= 0) throw new ArgumentOutOfRangeException(nameof(numUnits), "numUnits must be positive.");
        NumUnits = numUnits;
        Name = name;
    }

    /// <summary>Hidden units H.</summary>
    public int NumUnits { get; }

    /// <summary>The variable scope of the cell.</summary>
    public string Name { get; }

    /// <summary>Size of each step's output.</summary>
    public virtual int OutputSize => NumUnits;

    /// <summary>The state's parts, each (B, H): [h] for basic and GRU cells, [c, h] for LSTM.</summary>
    public virtual int StateParts => 1;

    /// <summary>The input size the cell was built for (0 before first use).</summary>
    public int InputSize { get; private set; }

    /// <summary>The cell's variables (empty before first use).</summary>
    public IReadOnlyList<Variable> Variables { get; private protected set; } = [];

    /// <summary>One step: (output, new state parts) from the input (B, I) and the state parts.</summary>
    public abstract (Node Output, Node[] State) Call(Node input, Node[] state);

    /// <summary>Width of state part <paramref name="part"/> (H for most cells; an LSTM with projection has (c: H, m: P)).</summary>
    public virtual int StateSize(int part) => NumUnits;

    /// <summary>Zero state parts for the batch size of <paramref name="batchSource"/> (its dim 0).</summary>
    public Node[] ZeroState(Node batchSource) =>
        Enumerable.Range(0, StateParts).Select(p => (Node)new BatchZerosOp(batchSource, StateSize(p))).ToArray();

    internal void EnsureBuilt(Graph graph, int inputSize)
    {
        if (inputSize <= 0) throw new ArgumentException($"Cell {Name} needs a known input size, got {inputSize}.");
        if (InputSize != 0)
        {
            if (InputSize != inputSize)
                throw new ArgumentException($"Cell {Name} was built for input size {InputSize}, now called with {inputSize}.");
            return;
        }
        BuildWrapped(graph, inputSize);
        InputSize = inputSize;
    }

    /// <summary>Opens the cell's scope and creates its variables; wrappers without a scope of their own override it.</summary>
    internal virtual void BuildWrapped(Graph graph, int inputSize)
    {
        using (graph.NameScope(Name)) Variables = Build(graph, inputSize);
    }

    /// <summary>Creates the variables (inside the cell's scope).</summary>
    private protected abstract Variable[] Build(Graph graph, int inputSize);

    /// <summary>The fused kernel that runs this cell over a whole sequence, or null when there is none.</summary>
    internal abstract FusedCell? Fused { get; }

    private protected Node[] CheckState(Node input, Node[] state)
    {
        if (state.Length != StateParts) throw new ArgumentException($"Cell {Name} takes {StateParts} state parts, got {state.Length}.");
        EnsureBuilt(input.Graph, input.Shape[-1]);
        return state;
    }
}

/// <summary>What the fused sequence kernel needs to run a cell: its kind and its weight variables in kernel order.</summary>
internal sealed record FusedCell(Kernels.RnnCellKind Kind, Variable[] Weights, float ForgetBias = 0f);

/// <summary>Zeros (B, H) with B the run-time dim 0 of a source node.</summary>
internal sealed class BatchZerosOp(Node batchSource, int units)
    : Node(batchSource.Graph, "Zeros", null, DType.Float32, new Shape(batchSource.Shape[0], units), batchSource)
{
    internal override void InferDims(Session s, Span<int> dims) => (dims[0], dims[1]) = (s.Dims(In[0])[0], units);
    internal override void Forward(Session s) => s.F(this).Clear();
    internal override Node?[] Gradient(Node dy) => [null];
}
