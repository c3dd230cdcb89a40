using RnnNative.Kernels;

namespace RnnNative;

/// <summary>
/// <c>dynamic_rnn</c> of one fused cell as one graph node: the forward and backward through time are the
/// hand-written <see cref="FusedRnn"/> kernels. Output 0 is the outputs (B, T, H) (or (T, B, H)); output 1 the
/// final h; output 2 the final c (LSTM).
/// </summary>
/// <remarks>
/// Inputs: x, the cell's weights in kernel order, then (when given) lengths, h0, c0.
/// One <see cref="RnnWorkspace"/> per batch shape is kept per session, so the last partial batch of an epoch
/// does not reallocate the full batch's workspace, and one <see cref="BatchSplit"/> over the session's compute
/// resources (one part, or the batch cut across its threads). Buffers reach the kernels as array segments of the
/// session's slots, so that the split's threads can use them.
/// </remarks>
internal sealed class DynamicRnnOp : Node, IMultiOutput
{
    private readonly int _weights, _lengths, _h0, _c0;   // input indices (-1 when absent)

    public DynamicRnnOp(FusedCell fused, int inputSize, int units, Node x, Node? lengths, IReadOnlyList<Node>? initialState, bool timeMajor)
        : base(x.Graph, "DynamicRnn", null, DType.Float32,
            timeMajor ? new Shape(x.Shape[0], x.Shape[1], units) : new Shape(x.Shape[0], x.Shape[1], units),
            InputList(x, fused.Weights, lengths, initialState))
    {
        Spec = new RnnCellSpec(fused.Kind, inputSize, units, fused.Kind == RnnCellKind.Lstm ? fused.ForgetBias : 1f);
        TimeMajor = timeMajor;
        _weights = fused.Weights.Length;
        int next = 1 + _weights;
        _lengths = lengths is null ? -1 : next++;
        // Initial state parts come in cell order: [h], or [c, h] for LSTM (TF's LSTMStateTuple).
        _c0 = initialState is { Count: 2 } ? next++ : -1;
        _h0 = initialState is null ? -1 : next;
        var stateShape = new Shape(x.Shape[timeMajor ? 1 : 0], units);
        FinalH = new OutputView(this, 1, "h", stateShape, StateDims, s => Shape.Count(s.Dims(this)));
        FinalC = Spec.HasCellState ? new OutputView(this, 2, "c", stateShape, StateDims, s => Shape.Count(s.Dims(this)) + StateLength(s)) : null;
    }

    private static Node[] InputList(Node x, Variable[] weights, Node? lengths, IReadOnlyList<Node>? initialState) =>
        [x, .. weights, .. (lengths is null ? Array.Empty<Node>() : [lengths]), .. (initialState ?? [])];

    public RnnCellSpec Spec { get; }
    public bool TimeMajor { get; }
    public Node FinalH { get; }
    public Node? FinalC { get; }
    public int OutputCount => Spec.HasCellState ? 3 : 2;

    /// <summary>Whether h0 (part 0) or c0 (part 1) is an input, so that its gradient can be wanted.</summary>
    internal bool HasInitialState(int part) => (part == 0 ? _h0 : _c0) >= 0;

    /// <summary>The state parts in cell order: [h] or [c, h].</summary>
    public Node[] States => FinalC is null ? [FinalH] : [FinalC, FinalH];

    internal int BatchOf(Session s) => s.Dims(In[0])[TimeMajor ? 1 : 0];
    internal int StepsOf(Session s) => s.Dims(In[0])[TimeMajor ? 0 : 1];
    internal int StateLength(Session s) => BatchOf(s) * Spec.Units;
    private void StateDims(Session s, Span<int> dims) => (dims[0], dims[1]) = (BatchOf(s), Spec.Units);

    internal override void InferDims(Session s, Span<int> dims)
    {
        var x = s.Dims(In[0]);
        if (x[2] != Spec.Inputs) throw new ArgumentException($"{Name}: inputs have {x[2]} features, the cell was built for {Spec.Inputs}.");
        (dims[0], dims[1], dims[2]) = (x[0], x[1], Spec.Units);
        CheckBatch(s, _lengths, 1, "sequence lengths");
        CheckBatch(s, _h0, 2, "initial h");
        CheckBatch(s, _c0, 2, "initial c");
    }

    private void CheckBatch(Session s, int input, int rank, string what)
    {
        if (input < 0) return;
        var d = s.Dims(In[input]);
        bool ok = d.Length == rank && d[0] == BatchOf(s) && (rank == 1 || d[1] == Spec.Units);
        if (!ok) throw new ArgumentException($"{Name}: {what} {In[input].Name} has shape ({Shape.Format(d)}) for a batch of {BatchOf(s)} and {Spec.Units} units.");
    }

    internal override void Bind(Session s) => s.EnsureOwnBuffer(this, extra: (OutputCount - 1) * StateLength(s));

    internal RnnWorkspace Workspace(Session s)
    {
        var cache = s.State<WorkspaceCache>(this);
        return cache.Get(Spec, BatchOf(s), StepsOf(s));
    }

    /// <summary>This node's batch split over the session's compute parts (shared with its gradient nodes).</summary>
    internal BatchSplit Split(Session s)
    {
        var cache = s.State<WorkspaceCache>(this);
        return cache.Split ??= new BatchSplit(s.Compute);
    }

    internal RnnWeights Weights(Session s) => Spec.Kind == RnnCellKind.Gru
        ? new RnnWeights(s.FloatSegment(In[1]), s.FloatSegment(In[2]), s.FloatSegment(In[3]), s.FloatSegment(In[4]))
        : new RnnWeights(s.FloatSegment(In[1]), s.FloatSegment(In[2]));

    internal override void Forward(Session s)
    {
        int n = Shape.Count(s.Dims(this)), state = StateLength(s);
        var all = s.BlockSegment(this, n + (OutputCount - 1) * state);
        if (state == 0) return;
        if (n == 0) { CopyInitialState(s, all[n..]); return; }
        var lengths = _lengths < 0 ? default : s.I(In[_lengths]);
        var h0 = _h0 < 0 ? default : s.FloatSegment(In[_h0]);
        var c0 = _c0 < 0 ? default : s.FloatSegment(In[_c0]);
        // Nothing in this run reads the outputs (e.g. a classifier on the final state): skip their strided write.
        var outputs = s.IsConsumed(this) ? all[..n] : default;
        var finalH = all.Slice(n, state);
        var finalC = Spec.HasCellState ? all.Slice(n + state, state) : default;
        FusedRnn.Forward(Split(s), Workspace(s), s.FloatSegment(In[0]), TimeMajor, Weights(s), lengths, h0, c0, outputs, finalH, finalC);
    }

    // T = 0: the final state is the initial state.
    private void CopyInitialState(Session s, Span<float> states)
    {
        int state = StateLength(s);
        if (_h0 >= 0) s.F(In[_h0]).CopyTo(states[..state]); else states[..state].Clear();
        if (!Spec.HasCellState) return;
        if (_c0 >= 0) s.F(In[_c0]).CopyTo(states[state..]); else states[state..].Clear();
    }

    public Node?[] Gradient(Node?[] dys)
    {
        var grad = new DynamicRnnGradOp(this, dys[0], dys[1], Spec.HasCellState ? dys[2] : null);
        var result = new Node?[In.Length];
        result[0] = new DynamicRnnInputGradOp(grad);
        for (int w = 0; w < _weights; w++) result[1 + w] = grad.WeightGradient(w);
        if (_h0 >= 0) result[_h0] = grad.InitialGradient(0);
        if (_c0 >= 0) result[_c0] = grad.InitialGradient(1);
        return result;
    }

    internal override Node?[] Gradient(Node dy) => Gradient([dy, null, null]);

    private sealed class WorkspaceCache
    {
        private readonly List<RnnWorkspace> _workspaces = [];

        public BatchSplit? Split;

        public RnnWorkspace Get(RnnCellSpec spec, int batch, int steps)
        {
            foreach (var ws in _workspaces)
                if (ws.Batch == batch && ws.Steps == steps) return ws;
            if (_workspaces.Count == 4) _workspaces.RemoveAt(0);
            var created = new RnnWorkspace(spec, Math.Max(batch, 1), Math.Max(steps, 1));
            _workspaces.Add(created);
            return created;
        }
    }
}
