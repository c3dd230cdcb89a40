using RnnNative.Blas;

namespace RnnNative.Kernels;

/// <summary>
/// TensorFlow 1.x <c>dynamic_rnn</c> with <c>sequence_length</c> as one fused forward and one fused
/// backward-through-time pass over flat buffers.
/// </summary>
/// <remarks>
/// Semantics: outputs are exactly 0 at every step t ≥ length[b]; the final state of example b is its state
/// after its last valid step (its initial state when its length is 0); gradients flow through valid steps only.
/// <para>How it runs (docs/fused-rnn.md is the full description): the batch is sorted by length so the examples
/// running at step t are a prefix of B_t rows; each step is one joined GEMM [x_t | h_{t-1}]·[Wx; Wh] (TF's kernel
/// as it is; the GRU candidate keeps an all-step input projection, as it reads r·h) plus one fused vector pass over
/// each row (bias, activation, state update, output). Backward runs per step one fused pass (activation
/// derivative, bias-gradient sums) plus the hidden-state gradient GEMM; then the kernel gradient and dX are one
/// GEMM each over all N = Σ lengths rows. Steps past the longest sequence are skipped; nothing allocates.</para>
/// <para>Each pass is three phases (see FusedRnn.Phases.cs): a serial begin (checks, sorting, packing, the
/// all-step GEMMs of forward), the time loop over a range of sorted slots, and a serial end. Slot ranges are
/// independent through the whole time loop, so the batch is cut into one slice per part of a
/// <see cref="BatchSplit"/>, each slice run on its own thread with a single-threaded GEMM (see there); one thread
/// is a split with one part. Buffers are array segments, not spans, so that they can be handed to those threads.</para>
/// Buffers must not overlap one another.
/// </remarks>
public static partial class FusedRnn
{
    /// <summary>Runs the cell over every sequence; saves in <paramref name="ws"/> what <c>Backward</c> needs.</summary>
    /// <param name="blas">GEMM provider (the call runs on the calling thread).</param>
    /// <param name="ws">Workspace shaped for this cell, batch and step count.</param>
    /// <param name="x">Inputs (B, T, I), or (T, B, I) when <paramref name="timeMajor"/>.</param>
    /// <param name="timeMajor">Layout of <paramref name="x"/> and <paramref name="outputs"/> (and, in backward, of dOutputs and dX).</param>
    /// <param name="weights">Kernel(s) and bias(es) in TF's layout.</param>
    /// <param name="lengths">(B) valid steps per example, each in [0, T]; empty means all T.</param>
    /// <param name="h0">(B, H) initial hidden state; empty means zeros.</param>
    /// <param name="c0">LSTM: (B, H) initial cell state, empty means zeros; must be empty for other cells.</param>
    /// <param name="outputs">(B, T, H) or (T, B, H): h at every valid step, 0 elsewhere (written); empty when
    /// only the final state is used (saves a strided write of B·T·H floats).</param>
    /// <param name="finalH">(B, H) hidden state after each example's last valid step (written).</param>
    /// <param name="finalC">LSTM: (B, H) final cell state (written); must be empty for other cells.</param>
    public static void Forward(BlasBackend blas, RnnWorkspace ws, ArraySegment<float> x, bool timeMajor,
        in RnnWeights weights, ReadOnlySpan<int> lengths, ArraySegment<float> h0, ArraySegment<float> c0,
        ArraySegment<float> outputs, ArraySegment<float> finalH, ArraySegment<float> finalC) =>
        Forward(OnePart(blas), ws, x, timeMajor, weights, lengths, h0, c0, outputs, finalH, finalC);

    /// <summary>Back-propagates through the sequences of the last <c>Forward</c> on <paramref name="ws"/>.</summary>
    /// <param name="blas">GEMM provider (the call runs on the calling thread).</param>
    /// <param name="ws">The workspace of the matching forward call.</param>
    /// <param name="weights">The same weights as in the forward call.</param>
    /// <param name="dOutputs">Gradient w.r.t. outputs, same layout; empty means zeros.</param>
    /// <param name="dFinalH">(B, H) gradient w.r.t. finalH; empty means zeros.</param>
    /// <param name="dFinalC">LSTM: (B, H) gradient w.r.t. finalC, empty means zeros; empty for other cells.</param>
    /// <param name="dX">Gradient w.r.t. x, same layout as x (written; 0 past each length); empty to skip it.</param>
    /// <param name="gradients">Weight gradients, ACCUMULATED (+=): the caller zeroes them when it wants.</param>
    /// <param name="dH0">(B, H) gradient w.r.t. h0 (written); empty to skip it.</param>
    /// <param name="dC0">LSTM: (B, H) gradient w.r.t. c0 (written), empty to skip it; empty for other cells.</param>
    public static void Backward(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights,
        ArraySegment<float> dOutputs, ArraySegment<float> dFinalH, ArraySegment<float> dFinalC,
        ArraySegment<float> dX, in RnnWeightGradients gradients, ArraySegment<float> dH0, ArraySegment<float> dC0) =>
        Backward(OnePart(blas), ws, weights, dOutputs, dFinalH, dFinalC, dX, gradients, dH0, dC0);

    /// <summary>
    /// dX alone, after a <c>Backward</c> that skipped it: one GEMM over all valid steps from the
    /// pre-activation gradients that backward left in <paramref name="ws"/>, scattered back to the layout of x.
    /// </summary>
    /// <param name="blas">GEMM provider (the call runs on the calling thread).</param>
    /// <param name="ws">The workspace of the matching forward and backward calls.</param>
    /// <param name="weights">The same weights as in those calls.</param>
    /// <param name="dX">(B, T, I) or (T, B, I), written; 0 past each length.</param>
    public static void InputGradient(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights, ArraySegment<float> dX) =>
        InputGradient(OnePart(blas), ws, weights, dX);

    // The one-part split of the public calls on this thread, for the last backend they were given: a loop of
    // calls allocates nothing. Per thread, since a split holds the arguments of the call it runs.
    [ThreadStatic] private static BatchSplit? t_onePart;

    private static BatchSplit OnePart(BlasBackend blas)
    {
        ArgumentNullException.ThrowIfNull(blas);
        var split = t_onePart;
        return split is not null && split.Gemm == blas ? split : t_onePart = BatchSplit.OnePart(blas);
    }

    /// <summary><c>Forward</c> with the batch cut into <see cref="BatchSplit.Parts"/> slices run side by side.</summary>
    internal static void Forward(BatchSplit split, RnnWorkspace ws, ArraySegment<float> x, bool timeMajor,
        in RnnWeights weights, ReadOnlySpan<int> lengths, ArraySegment<float> h0, ArraySegment<float> c0,
        ArraySegment<float> outputs, ArraySegment<float> finalH, ArraySegment<float> finalC)
    {
        ArgumentNullException.ThrowIfNull(split);
        PlanForward(split.Gemm, ws, x, timeMajor, weights, lengths, h0, c0, outputs, finalH, finalC);
        if (ws.PackedRows == 0)
            PackSlots(ws, x, h0, c0, finalH, finalC, 0, ws.Batch);
        else
        {
            split.CutSlices(ws);
            var call = split.Call.Begin(ws, weights);
            (call.X, call.H0, call.C0, call.Outputs, call.FinalH, call.FinalC) = (x, h0, c0, outputs, finalH, finalC);
            try
            {
                // Each part packs its own slice: the rows it reads first are then in its own cache.
                if (RnnGemms.HasInputProjection(ws.Cell))
                {
                    split.Run(SplitStage.PackSlices);
                    split.Run(SplitStage.InputProjection);
                }
                split.Run(SplitStage.ForwardSteps);
            }
            finally { call.Clear(); }
        }
        EndForward(ws, outputs);
    }

    /// <summary><c>Backward</c> with the slices of the last <c>Forward</c> run side by side.</summary>
    internal static void Backward(BatchSplit split, RnnWorkspace ws, in RnnWeights weights,
        ArraySegment<float> dOutputs, ArraySegment<float> dFinalH, ArraySegment<float> dFinalC,
        ArraySegment<float> dX, in RnnWeightGradients gradients, ArraySegment<float> dH0, ArraySegment<float> dC0)
    {
        ArgumentNullException.ThrowIfNull(split);
        BeginBackward(split.Gemm, ws, weights, dOutputs, dFinalH, dFinalC, dX, gradients, dH0, dC0);
        split.CutSlices(ws);   // the forward's cut: the workspace still holds its plan
        split.EnsureGradientScratch(ws.Cell);
        split.EnsureTransposedKernelScratch(ws.Cell);
        var call = split.Call.Begin(ws, weights);
        (call.DOutputs, call.Gradients) = (dOutputs, gradients);
        try
        {
            split.Run(SplitStage.BackwardSteps);
            StoreInitialGradients(ws, dH0, dC0);
            if (ws.PackedRows > 0)   // (else no part summed anything)
            {
                split.Run(SplitStage.WeightGradients);
                call.AddScratchGradients(ws.Cell);
                if (dX.Count > 0) split.Run(SplitStage.InputGradient);
            }
        }
        finally { call.Clear(); }
        if (ws.PackedRows == 0) dX.AsSpan().Clear();
        else if (dX.Count > 0) PackedSequences.ScatterInputGradient(ws, dX);
    }

    /// <summary><c>InputGradient</c> with the GEMM's rows cut into shares.</summary>
    internal static void InputGradient(BatchSplit split, RnnWorkspace ws, in RnnWeights weights, ArraySegment<float> dX)
    {
        ArgumentNullException.ThrowIfNull(split);
        if (!CheckInputGradient(split.Gemm, ws, weights, dX))
            return;
        var call = split.Call.Begin(ws, weights);
        try { split.Run(SplitStage.InputGradient); }
        finally { call.Clear(); }
        PackedSequences.ScatterInputGradient(ws, dX);
    }

    // The checks of InputGradient; false (with dX cleared) when there is no valid step at all.
    private static bool CheckInputGradient(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights, Span<float> dX)
    {
        ArgumentNullException.ThrowIfNull(blas);
        ArgumentNullException.ThrowIfNull(ws);
        if (!ws.HasForward)
            throw new InvalidOperationException("FusedRnn.InputGradient needs a completed FusedRnn.Backward on this workspace.");
        weights.Validate(ws.Cell);
        RnnArgs.RequireLength(dX.Length, ws.Batch * ws.Steps * ws.Cell.Inputs, nameof(dX), ws.TimeMajor ? "(T, B, I)" : "(B, T, I)");
        if (ws.PackedRows > 0)
            return true;
        dX.Clear();
        return false;
    }
}
