using RnnNative.Blas;

namespace RnnNative.Rnn.Kernels;

/// <summary>
/// TensorFlow 1.x <c>dynamic_rnn</c> with <c>sequence_length</c> as one fused forward and one fused
/// backward-through-time pass over flat buffers.
/// </summary>
/// <remarks>
/// Semantics: outputs are exactly 0 at every step t ≥ length[b]; the final state of example b is its state
/// after its last valid step (its initial state when its length is 0); gradients flow through valid steps only.
/// <para>How it runs (see <see cref="RnnWorkspace"/> for the layout): the batch is sorted by length so the
/// examples running at step t are a prefix of B_t rows; the input projection of all steps is one GEMM
/// (N, I)·(I, W); each step is one recurrent GEMM (B_t, H)·(H, W) (two for GRU) plus one fused Vector256 pass
/// (bias, activation, state update, output). Backward runs per step one fused pass (activation derivative,
/// bias-gradient sums) plus the hidden-state gradient GEMM (B_t, W)·(W, H); then dWx, dWh and dX are one GEMM
/// each over all N = Σ lengths rows. Steps past the longest sequence are skipped; nothing allocates.</para>
/// <para>Every per-step routine works on a row range [r0, r1) of the sorted batch, so the batch can later be
/// split in halves on two threads (each half then needs its own bias-gradient accumulator).</para>
/// Buffers must not overlap one another.
/// </remarks>
public static class FusedRnn
{
    /// <summary>Runs the cell over every sequence; saves in <paramref name="ws"/> what <see cref="Backward"/> needs.</summary>
    /// <param name="blas">GEMM provider.</param>
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
    public static void Forward(BlasBackend blas, RnnWorkspace ws, ReadOnlySpan<float> x, bool timeMajor,
        in RnnWeights weights, ReadOnlySpan<int> lengths, ReadOnlySpan<float> h0, ReadOnlySpan<float> c0,
        Span<float> outputs, Span<float> finalH, Span<float> finalC)
    {
        ArgumentNullException.ThrowIfNull(blas);
        ArgumentNullException.ThrowIfNull(ws);
        var cell = ws.Cell;
        int bh = ws.Batch * cell.Units, bth = bh * ws.Steps;
        RnnArgs.RequireLength(x.Length, ws.Batch * ws.Steps * cell.Inputs, nameof(x), timeMajor ? "(T, B, I)" : "(B, T, I)");
        weights.Validate(cell);
        RnnArgs.ValidateLengths(lengths, ws.Batch, ws.Steps);
        RnnArgs.RequireEmptyOr(h0.Length, bh, nameof(h0), "(B, H)");
        RnnArgs.RequireCellState(cell, c0.Length, bh, nameof(c0), optional: true);
        RnnArgs.RequireEmptyOr(outputs.Length, bth, nameof(outputs), timeMajor ? "(T, B, H)" : "(B, T, H)");
        RnnArgs.RequireLength(finalH.Length, bh, nameof(finalH), "(B, H)");
        RnnArgs.RequireCellState(cell, finalC.Length, bh, nameof(finalC), optional: false);

        ws.HasForward = false;
        ws.Plan(lengths, timeMajor);
        PackedSequences.GatherInputs(ws, x);
        PackedSequences.LoadInitialState(ws, ws.HPrev, h0, finalH);
        if (cell.HasCellState)
            PackedSequences.LoadInitialState(ws, ws.CPrev, c0, finalC);
        if (ws.PackedRows > 0)
            RnnGemms.InputProjection(blas, ws, weights);
        for (int t = 0; t < ws.MaxLength; t++)
            ForwardStep(blas, ws, weights, t, 0, ws.Active[t], outputs, finalH, finalC);
        PackedSequences.ClearPastLengths(ws, outputs, cell.Units);
        ws.HasForward = true;
    }

    /// <summary>Back-propagates through the sequences of the last <see cref="Forward"/> on <paramref name="ws"/>.</summary>
    /// <param name="blas">GEMM provider.</param>
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
        ReadOnlySpan<float> dOutputs, ReadOnlySpan<float> dFinalH, ReadOnlySpan<float> dFinalC,
        Span<float> dX, in RnnWeightGradients gradients, Span<float> dH0, Span<float> dC0)
    {
        ArgumentNullException.ThrowIfNull(blas);
        ArgumentNullException.ThrowIfNull(ws);
        if (!ws.HasForward)
            throw new InvalidOperationException("FusedRnn.Backward needs a completed FusedRnn.Forward on this workspace.");
        var cell = ws.Cell;
        int bh = ws.Batch * cell.Units;
        weights.Validate(cell);
        gradients.Validate(cell);
        RnnArgs.RequireEmptyOr(dOutputs.Length, bh * ws.Steps, nameof(dOutputs), ws.TimeMajor ? "(T, B, H)" : "(B, T, H)");
        RnnArgs.RequireEmptyOr(dFinalH.Length, bh, nameof(dFinalH), "(B, H)");
        RnnArgs.RequireCellState(cell, dFinalC.Length, bh, nameof(dFinalC), optional: true);
        RnnArgs.RequireEmptyOr(dX.Length, ws.Batch * ws.Steps * cell.Inputs, nameof(dX), ws.TimeMajor ? "(T, B, I)" : "(B, T, I)");
        RnnArgs.RequireEmptyOr(dH0.Length, bh, nameof(dH0), "(B, H)");
        RnnArgs.RequireCellState(cell, dC0.Length, bh, nameof(dC0), optional: true);

        PackedSequences.LoadFinalGradient(ws, ws.DH, dFinalH);
        if (cell.HasCellState)
            PackedSequences.LoadFinalGradient(ws, ws.DC, dFinalC);
        for (int t = ws.MaxLength - 1; t >= 0; t--)
            BackwardStep(blas, ws, weights, t, 0, ws.Active[t], dOutputs, gradients);
        PackedSequences.StoreInitialGradient(ws, ws.DH, dH0);
        if (cell.HasCellState)
            PackedSequences.StoreInitialGradient(ws, ws.DC, dC0);
        if (ws.PackedRows == 0)
        {
            dX.Clear();
            return;
        }
        RnnGemms.WeightGradients(blas, ws, gradients);
        if (!dX.IsEmpty)
        {
            RnnGemms.InputGradient(blas, ws, weights);
            PackedSequences.ScatterInputGradient(ws, dX);
        }
    }

    /// <summary>Step t of the forward pass for sorted rows [r0, r1) (r1 ≤ B_t).</summary>
    internal static void ForwardStep(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights, int t, int r0, int r1,
        Span<float> outputs, Span<float> finalH, Span<float> finalC)
    {
        if (r1 <= r0)
            return;
        switch (ws.Cell.Kind)
        {
            case RnnCellKind.BasicTanh:
                BasicCell.ForwardStep<TanhActivation>(blas, ws, weights, t, r0, r1, outputs, finalH);
                break;
            case RnnCellKind.BasicRelu:
                BasicCell.ForwardStep<ReluActivation>(blas, ws, weights, t, r0, r1, outputs, finalH);
                break;
            case RnnCellKind.Lstm:
                LstmCell.ForwardStep(blas, ws, weights, t, r0, r1, outputs, finalH, finalC);
                break;
            default:
                GruCell.ForwardStep(blas, ws, weights, t, r0, r1, outputs, finalH);
                break;
        }
    }

    /// <summary>Step t of the backward pass for sorted rows [r0, r1): bias gradients go to <paramref name="gradients"/>.</summary>
    internal static void BackwardStep(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights, int t, int r0, int r1,
        ReadOnlySpan<float> dOutputs, in RnnWeightGradients gradients)
    {
        if (r1 <= r0)
            return;
        switch (ws.Cell.Kind)
        {
            case RnnCellKind.BasicTanh:
                BasicCell.BackwardStep<TanhActivation>(blas, ws, weights, t, r0, r1, dOutputs, gradients.Bias);
                break;
            case RnnCellKind.BasicRelu:
                BasicCell.BackwardStep<ReluActivation>(blas, ws, weights, t, r0, r1, dOutputs, gradients.Bias);
                break;
            case RnnCellKind.Lstm:
                LstmCell.BackwardStep(blas, ws, weights, t, r0, r1, dOutputs, gradients.Bias);
                break;
            default:
                GruCell.BackwardStep(blas, ws, weights, t, r0, r1, dOutputs, gradients.Bias, gradients.CandidateBias);
                break;
        }
    }
}
