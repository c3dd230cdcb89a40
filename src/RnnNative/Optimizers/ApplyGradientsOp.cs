using System.Numerics.Tensors;

namespace RnnNative;

/// <summary>The training op made by <see cref="Optimizer.Minimize"/>.</summary>
internal sealed class ApplyGradientsOp : Operation
{
    private readonly Optimizer _optimizer;
    private readonly Variable[] _variables;
    private readonly Node?[] _grads;
    private readonly Node _loss;

    /// <summary>The op updating <paramref name="variables"/> with <paramref name="grads"/>, the gradients of <paramref name="loss"/>.</summary>
    public ApplyGradientsOp(Optimizer optimizer, Variable[] variables, Node?[] grads, Node loss)
        : base(variables[0].Graph, "ApplyGradients", optimizer.GetType().Name, InputNodes(variables, grads, loss))
    {
        _optimizer = optimizer;
        _variables = variables;
        _grads = grads;
        _loss = loss;
    }

    // The loss is an input so that its value is there for the gradient reducer (it is computed for the gradients anyway).
    private static Node[] InputNodes(Variable[] variables, Node?[] grads, Node loss) =>
        [.. variables, .. grads.Where(g => g is not null)!, loss];

    internal sealed class State
    {
        public float[] Slot0 = [], Slot1 = [];
        public (int Start, int Length)[] Runs = [];
        public long Step;
    }

    internal override void Forward(Session s)
    {
        var slab = s.Parameters;
        var state = s.State<State>(this);
        if (state.Runs.Length == 0) Initialize(state, slab);
        GatherGradients(s, slab);
        if (_optimizer.GradientReducer is { } reducer) Reduce(s, slab, reducer);
        if (_optimizer.ClipNorm is float clip) ClipByGlobalNorm(slab, state, clip);
        float lr = _optimizer.LearningRateAt(state.Step);
        state.Step++;
        foreach (var (start, length) in state.Runs)
        {
            _optimizer.Update(slab.Values.AsSpan(start, length), slab.Gradients.Slice(start, length),
                SlotRun(state.Slot0, start, length), SlotRun(state.Slot1, start, length), lr, state.Step);
        }
    }

    // One reduction of the gradients, the loss (Σ of its elements: the objective the gradients are of) and the stop
    // flag together: data-parallel training then needs one collective per step for all three, and every rank learns
    // in the same step that some rank was asked to stop.
    private void Reduce(Session s, ParameterSlab slab, IGradientReducer reducer)
    {
        var buffer = slab.ReductionBuffer;
        buffer[^2] = TensorPrimitives.Sum<float>(s.F(_loss));
        buffer[^1] = slab.StopRequest.IsCancellationRequested ? 1 : 0;
        reducer.Reduce(buffer);
        slab.MarkLossReduced(_loss);
    }

    internal OptimizerState Capture(Session s)
    {
        var state = s.State<State>(this);
        if (state.Runs.Length == 0) Initialize(state, s.Parameters);
        return new OptimizerState(state.Slot0.ToArray(), state.Slot1.ToArray(), state.Step);
    }

    internal void Restore(Session s, OptimizerState saved)
    {
        var state = s.State<State>(this);
        if (state.Runs.Length == 0) Initialize(state, s.Parameters);
        if (saved.Slot0.Length != state.Slot0.Length || saved.Slot1.Length != state.Slot1.Length || saved.Step < 0)
            throw new ArgumentException(
                $"The optimizer state has slots of {saved.Slot0.Length} and {saved.Slot1.Length} values (step {saved.Step}); " +
                $"this session's {_optimizer.GetType().Name} needs {state.Slot0.Length} and {state.Slot1.Length}.", nameof(saved));
        saved.Slot0.CopyTo(state.Slot0, 0);
        saved.Slot1.CopyTo(state.Slot1, 0);
        state.Step = saved.Step;
    }

    // An optimizer with fewer slots gets empty spans for the unused ones.
    private static Span<float> SlotRun(float[] slot, int start, int length) => slot.Length == 0 ? [] : slot.AsSpan(start, length);

    private void Initialize(State state, ParameterSlab slab)
    {
        if (_optimizer.SlotCount > 0) state.Slot0 = GC.AllocateArray<float>(slab.Size, pinned: true);
        if (_optimizer.SlotCount > 1) state.Slot1 = GC.AllocateArray<float>(slab.Size, pinned: true);
        state.Slot0.AsSpan().Fill(_optimizer.InitialSlotValue(0));
        state.Slot1.AsSpan().Fill(_optimizer.InitialSlotValue(1));
        // Merge the trained variables' slices (including alignment padding, whose values and grads stay 0) into runs.
        var slices = _variables.Select(v => (Start: slab.OffsetOf(v), End: slab.OffsetOf(v) + v.Shape.ElementCount)).OrderBy(r => r.Start).ToList();
        var runs = new List<(int, int)>();
        int runStart = slices[0].Start, runEnd = slices[0].End;
        foreach (var (start, end) in slices.Skip(1))
        {
            if (start - runEnd < 16) { runEnd = end; continue; }
            runs.Add((runStart, runEnd - runStart));
            (runStart, runEnd) = (start, end);
        }
        runs.Add((runStart, runEnd - runStart));
        state.Runs = runs.ToArray();
    }

    // Copies each variable's gradient into its slice of the gradient slab (zeros where it has none).
    private void GatherGradients(Session s, ParameterSlab slab)
    {
        for (int i = 0; i < _variables.Length; i++)
        {
            var target = slab.GradientOf(_variables[i]);
            if (_grads[i] is { } g) s.F(g).CopyTo(target);
            else target.Clear();
        }
    }

    // g ← g · clip / max(‖g‖₂, clip) over all trained gradients together (tf.clip_by_global_norm).
    private static void ClipByGlobalNorm(ParameterSlab slab, State state, float clip)
    {
        double sumSquares = 0;
        foreach (var (start, length) in state.Runs) sumSquares += TensorPrimitives.SumOfSquares<float>(slab.Gradients.Slice(start, length));
        double norm = Math.Sqrt(sumSquares);
        if (norm <= clip) return;
        float scale = (float)(clip / norm);
        foreach (var (start, length) in state.Runs)
        {
            var g = slab.Gradients.Slice(start, length);
            TensorPrimitives.Multiply(g, scale, g);
        }
    }
}
