namespace RnnNative;

/// <summary>Stacked cells (TF1 <c>MultiRNNCell</c>): layer l's output is layer l+1's input; the state is every layer's parts in order.</summary>
/// <remarks>Variables are named <c>multi_rnn_cell/cell_{l}/{cell name}/...</c>, as in TensorFlow.</remarks>
public sealed class MultiRnnCell : RnnCell
{
    /// <summary>Stacks <paramref name="cells"/> (bottom first).</summary>
    public MultiRnnCell(IReadOnlyList<RnnCell> cells, string name = "multi_rnn_cell")
        : base(cells.Count > 0 ? cells[^1].NumUnits : throw new ArgumentException("MultiRnnCell needs at least one cell."), name)
    {
        if (cells.Distinct().Count() != cells.Count) throw new ArgumentException("MultiRnnCell: each layer needs its own cell object.");
        Cells = cells.ToArray();
    }

    /// <summary>The layers, bottom first.</summary>
    public IReadOnlyList<RnnCell> Cells { get; }

    /// <inheritdoc />
    public override int OutputSize => Cells[^1].OutputSize;

    /// <inheritdoc />
    public override int StateParts => Cells.Sum(c => c.StateParts);

    /// <inheritdoc />
    public override int StateSize(int part)
    {
        foreach (var cell in Cells)
        {
            if (part < cell.StateParts) return cell.StateSize(part);
            part -= cell.StateParts;
        }
        throw new ArgumentOutOfRangeException(nameof(part), $"{Name} has {StateParts} state parts.");
    }

    private protected override Variable[] Build(Graph g, int inputSize)
    {
        var variables = new List<Variable>();
        for (int l = 0; l < Cells.Count; l++)
        {
            using (g.NameScope($"cell_{l}")) Cells[l].EnsureBuilt(g, l == 0 ? inputSize : Cells[l - 1].OutputSize);
            variables.AddRange(Cells[l].Variables);
        }
        return variables.ToArray();
    }

    /// <inheritdoc />
    public override (Node Output, Node[] State) Call(Node input, Node[] state)
    {
        CheckState(input, state);
        var newState = new List<Node>();
        int part = 0;
        var x = input;
        foreach (var cell in Cells)
        {
            (x, var s) = cell.Call(x, state[part..(part + cell.StateParts)]);
            part += cell.StateParts;
            newState.AddRange(s);
        }
        return (x, newState.ToArray());
    }

    internal override FusedCell? Fused => null;
}
