using RnnNative.Kernels;

namespace RnnNative;

/// <summary>
/// The backward through time of a <see cref="DynamicRnnOp"/>: one <c>FusedRnn.Backward</c> call that
/// fills, in one block, the weight gradients (in kernel order) and the initial-state gradients, each exposed
/// as a view. The input gradient is a separate node (<see cref="DynamicRnnInputGradOp"/>) so that its GEMM
/// runs only when something needs dX.
/// </summary>
/// <remarks>Block layout: [dW_0 | dW_1 | … | dh0 (B, H) | dc0 (B, H)]; output 0 is dW_0 itself.</remarks>
internal sealed class DynamicRnnGradOp : Node
{
    private readonly DynamicRnnOp _forward;
    private readonly int _dOutputs, _dH, _dC;        // input indices (-1 when that output got no gradient)
    private readonly int[] _weightOffsets;
    private readonly int _weightTotal;

    public DynamicRnnGradOp(DynamicRnnOp forward, Node? dOutputs, Node? dH, Node? dC)
        : base(forward.Graph, "DynamicRnnGrad", null, DType.Float32, forward.In[1].Shape,
            [forward, .. new[] { dOutputs, dH, dC }.Where(d => d is not null)!])
    {
        _forward = forward;
        int next = 1;
        _dOutputs = dOutputs is null ? -1 : next++;
        _dH = dH is null ? -1 : next++;
        _dC = dC is null ? -1 : next;
        int weights = forward.Spec.Kind == RnnCellKind.Gru ? 4 : 2;
        _weightOffsets = new int[weights];
        for (int w = 0, offset = 0; w < weights; w++)
        {
            _weightOffsets[w] = offset;
            offset += forward.In[1 + w].Shape.ElementCount;
            _weightTotal = offset;
        }
    }

    public DynamicRnnOp ForwardOp => _forward;

    /// <summary>dW_w: output 0 for the first weight, a view for the others.</summary>
    public Node WeightGradient(int w)
    {
        if (w == 0) return this;
        var shape = _forward.In[1 + w].Shape;
        return new OutputView(this, 1 + w, $"d{_forward.In[1 + w].Name}", shape, (_, dims) => shape.Dims.CopyTo(dims), _ => _weightOffsets[w]);
    }

    /// <summary>d h0 (part 0) or d c0 (part 1).</summary>
    public Node InitialGradient(int part) =>
        new OutputView(this, 1 + _weightOffsets.Length + part, part == 0 ? "dh0" : "dc0", _forward.FinalH.Shape,
            (s, dims) => (dims[0], dims[1]) = (_forward.BatchOf(s), _forward.Spec.Units),
            s => _weightTotal + part * _forward.StateLength(s));

    internal override void InferDims(Session s, Span<int> dims) => _forward.In[1].Shape.Dims.CopyTo(dims);

    // Input 0, the forward op, is there for ordering: backward reads its workspace, not its outputs tensor.
    internal override bool ReadsInput(int index) => index != 0;

    internal override void Bind(Session s) =>
        s.EnsureOwnBuffer(this, extra: _weightTotal - Shape.ElementCount + 2 * _forward.StateLength(s));

    internal override void Forward(Session s)
    {
        int state = _forward.StateLength(s);
        var block = s.BlockSegment(this, _weightTotal + 2 * state);
        var weights = block[.._weightTotal];
        weights.AsSpan().Clear();   // the kernel accumulates (+=)
        if (state == 0) return;
        var dH0 = block.Slice(_weightTotal, state);
        var dC0 = _forward.Spec.HasCellState ? block.Slice(_weightTotal + state, state) : default;
        if (_forward.StepsOf(s) == 0) { CopyFinalToInitial(s, dH0, dC0); return; }
        // Without an h0 (c0) input nothing reads its gradient: the kernel then skips it (and step 0's dh GEMM).
        if (!_forward.HasInitialState(0)) dH0 = default;
        if (!_forward.HasInitialState(1)) dC0 = default;
        var gradients = _forward.Spec.Kind == RnnCellKind.Gru
            ? new RnnWeightGradients(Slice(weights, 0), Slice(weights, 1), Slice(weights, 2), Slice(weights, 3))
            : new RnnWeightGradients(Slice(weights, 0), Slice(weights, 1));
        var dOutputs = _dOutputs < 0 ? default : s.FloatSegment(In[_dOutputs]);
        var dH = _dH < 0 ? default : s.FloatSegment(In[_dH]);
        var dC = _dC < 0 ? default : s.FloatSegment(In[_dC]);
        FusedRnn.Backward(_forward.Split(s), _forward.Workspace(s), _forward.Weights(s), dOutputs, dH, dC, default, gradients, dH0, dC0);
    }

    private ArraySegment<float> Slice(ArraySegment<float> weights, int w) =>
        weights.Slice(_weightOffsets[w], (w + 1 < _weightOffsets.Length ? _weightOffsets[w + 1] : _weightTotal) - _weightOffsets[w]);

    // T = 0: the final state was the initial state, so its gradient passes straight through.
    private void CopyFinalToInitial(Session s, Span<float> dH0, Span<float> dC0)
    {
        if (_dH >= 0) s.F(In[_dH]).CopyTo(dH0); else dH0.Clear();
        if (dC0.IsEmpty) return;
        if (_dC >= 0) s.F(In[_dC]).CopyTo(dC0); else dC0.Clear();
    }
}

/// <summary>dX of a fused RNN: one GEMM over all valid steps from the saved pre-activation gradients, scattered back to (B, T, I).</summary>
internal sealed class DynamicRnnInputGradOp(DynamicRnnGradOp grad)
    : Node(grad.Graph, "DynamicRnnInputGrad", null, DType.Float32, grad.ForwardOp.In[0].Shape, grad)
{
    internal override void InferDims(Session s, Span<int> dims) => s.Dims(grad.ForwardOp.In[0]).CopyTo(dims);

    internal override bool ReadsInput(int index) => false;   // reads the workspace the backward filled

    internal override void Forward(Session s)
    {
        var forward = grad.ForwardOp;
        if (forward.StepsOf(s) == 0 || forward.BatchOf(s) == 0) { s.F(this).Clear(); return; }
        FusedRnn.InputGradient(forward.Split(s), forward.Workspace(s), forward.Weights(s), s.FloatSegment(this));
    }
}
