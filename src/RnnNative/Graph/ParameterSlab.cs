using RnnNative.Blas;

namespace RnnNative;

/// <summary>
/// Every variable's value in one pinned slab, and every trainable variable's gradient in a second slab of
/// the same layout: optimizers run one loop over the whole slab, and data-parallel training needs one
/// all-reduce per step, of <see cref="ReductionBuffer"/>: the gradients followed by the step's loss and the ranks'
/// stop flag.
/// </summary>
/// <remarks>Slices start on 16-float (64-byte) boundaries so that vector loops over one variable stay aligned.</remarks>
internal sealed class ParameterSlab
{
    private const int Alignment = 16;
    private readonly Dictionary<Variable, int> _offsets = [];
    private readonly bool[] _initialized;
    private readonly float[] _reduction;
    private Node? _reducedLossNode;   // the loss folded into the last reduction, until taken
    private bool _stopReduced;        // the last reduction carried the stop flag, until taken

    public ParameterSlab(IReadOnlyList<Variable> variables, bool bf16Copy = false)
    {
        Variables = variables.ToArray();
        int offset = 0;
        foreach (var v in Variables)
        {
            _offsets.Add(v, offset);
            offset += (v.Shape.ElementCount + Alignment - 1) / Alignment * Alignment;
        }
        Size = offset;
        Values = GC.AllocateArray<float>(Size, pinned: true);
        _reduction = GC.AllocateArray<float>(Size + 2, pinned: true);
        _initialized = new bool[Variables.Length];
        Bf16 = bf16Copy ? new Bf16Weights(Values) : null;
    }

    /// <summary>The values' bfloat16 copy for bfloat16 GEMMs (null in float32 sessions).</summary>
    public Bf16Weights? Bf16 { get; }

    /// <summary>The variables of the graph when the session was created, in slab order.</summary>
    public Variable[] Variables { get; }

    /// <summary>Total slab length in floats (including alignment padding, which stays 0).</summary>
    public int Size { get; }

    /// <summary>Variable values: (Size).</summary>
    public float[] Values { get; }

    /// <summary>Gradients of the last training step: (Size), same layout as <see cref="Values"/>.</summary>
    public Span<float> Gradients => _reduction.AsSpan(0, Size);

    /// <summary>
    /// (Size + 2): <see cref="Gradients"/>, the step's loss, and a stop flag (1 on a rank asked to stop, else 0), so that
    /// a gradient reducer combines all three in one collective (data parallelism: one all-reduce per step gives the
    /// averaged gradients, the global loss, and a flag &gt; 0 when any rank asked to stop).
    /// </summary>
    public Span<float> ReductionBuffer => _reduction;

    /// <summary>
    /// This rank's request to stop training (e.g. Ctrl+C), sampled by the training op just before its reduction: the
    /// flag it puts in <see cref="ReductionBuffer"/>. Set by the training loop once per run.
    /// </summary>
    public CancellationToken StopRequest { get; set; }

    /// <summary>Records that the last step reduced <paramref name="loss"/>'s value and the stop flag with the gradients.</summary>
    public void MarkLossReduced(Node loss) => (_reducedLossNode, _stopReduced) = (loss, true);

    /// <summary>
    /// Whether any rank asked to stop, from the last step's reduction, once: true and the answer when that step carried
    /// the stop flag; false when it did not (no reducer, or already taken).
    /// </summary>
    public bool TakeReducedStop(out bool anyRankStops)
    {
        anyRankStops = _reduction[Size + 1] > 0;
        if (!_stopReduced) return false;
        _stopReduced = false;
        return true;
    }

    /// <summary>
    /// The reduced value of <paramref name="loss"/> from the last training step, once: true and the value when that
    /// step folded this node into its reduction; false when it did not (no reducer, another loss node, or already taken).
    /// </summary>
    public bool TakeReducedLoss(Node loss, out float value)
    {
        value = _reduction[Size];
        if (!ReferenceEquals(_reducedLossNode, loss)) return false;
        _reducedLossNode = null;
        return true;
    }

    public int OffsetOf(Variable v) => _offsets.TryGetValue(v, out int offset) ? offset
        : throw new InvalidOperationException(
            $"Variable {v.Name} was created after this session; create the session after building the graph.");

    public Span<float> ValuesOf(Variable v) => Values.AsSpan(OffsetOf(v), v.Shape.ElementCount);

    public Span<float> GradientOf(Variable v) => Gradients.Slice(OffsetOf(v), v.Shape.ElementCount);

    public void MarkInitialized(Variable v) => _initialized[Array.IndexOf(Variables, v)] = true;

    public void CheckInitialized(Variable v)
    {
        int index = Array.IndexOf(Variables, v);
        if (index < 0) OffsetOf(v);
        if (!_initialized[index])
            throw new InvalidOperationException($"Attempting to use uninitialized variable {v.Name}: run g.GlobalVariablesInitializer() first.");
    }
}
