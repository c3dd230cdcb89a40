using RnnNative.Blas;

namespace RnnNative.Kernels;

// The phases of FusedRnn.Forward and FusedRnn.Backward. The time loops take a range [slot0, slot1) of the
// length-sorted batch: disjoint ranges can run one after the other or on threads of their own (BatchSplit).
public static partial class FusedRnn
{
    /// <summary>Checks every buffer and sorts the batch by length (nothing is packed yet).</summary>
    internal static void PlanForward(BlasBackend blas, RnnWorkspace ws, ReadOnlySpan<float> x, bool timeMajor,
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
        ws.ZeroInitialState = h0.IsEmpty;
        ws.Plan(lengths, timeMajor);
        ws.PlanBf16(blas);
        ws.PadKernel(weights);
    }

    /// <summary>Packs the inputs and places the initial states of sorted slots [slot0, slot1) (after <see cref="PlanForward"/>).</summary>
    internal static void PackSlots(RnnWorkspace ws, ReadOnlySpan<float> x, ReadOnlySpan<float> h0,
        ReadOnlySpan<float> c0, Span<float> finalH, Span<float> finalC, int slot0, int slot1)
    {
        PackedSequences.GatherInputs(ws, x, slot0, slot1);
        PackedSequences.LoadInitialState(ws, ws.HPrev, h0, finalH, slot0, slot1);
        if (ws.Cell.HasCellState)
            PackedSequences.LoadInitialState(ws, ws.CPrev, c0, finalC, slot0, slot1);
    }

    /// <summary>The forward time loop for sorted slots [slot0, slot1): steps 0 .. until no slot of the range runs.</summary>
    internal static void ForwardSteps(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights, int slot0, int slot1,
        Span<float> outputs, Span<float> finalH, Span<float> finalC)
    {
        for (int t = 0; t < ws.MaxLength && ws.Active[t] > slot0; t++)
            ForwardStep(blas, ws, weights, t, slot0, Math.Min(slot1, ws.Active[t]), outputs, finalH, finalC);
    }

    /// <summary>Zeroes the outputs past each length and marks the workspace ready for backward.</summary>
    internal static void EndForward(RnnWorkspace ws, Span<float> outputs)
    {
        PackedSequences.ClearPastLengths(ws, outputs, ws.Cell.Units);
        ws.HasForward = true;
    }

    /// <summary>Checks every buffer and loads the final-state gradients into the running state gradients.</summary>
    internal static void BeginBackward(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights,
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

        ws.SkipsInitialGradient = dH0.IsEmpty;
        // bfloat16 GEMMs read the weights' rounded copy in the slab; a transposed float copy would be rounded per call.
        ws.TransposeRecurrentWeights(weights, use: !blas.RoundsOperandsToBf16);
        PackedSequences.LoadFinalGradient(ws, ws.DH, dFinalH);
        if (cell.HasCellState)
            PackedSequences.LoadFinalGradient(ws, ws.DC, dFinalC);
    }

    /// <summary>The backward time loop for sorted slots [slot0, slot1), last step first; bias gradients += .</summary>
    internal static void BackwardSteps(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights, int slot0, int slot1,
        ReadOnlySpan<float> dOutputs, in RnnWeightGradients gradients)
    {
        for (int t = ws.MaxLength - 1; t >= 0; t--)
            if (ws.Active[t] > slot0)
                BackwardStep(blas, ws, weights, t, slot0, Math.Min(slot1, ws.Active[t]), dOutputs, gradients);
    }

    /// <summary>dH0 and dC0 (when wanted) from the state gradients left by the time loop.</summary>
    internal static void StoreInitialGradients(RnnWorkspace ws, Span<float> dH0, Span<float> dC0)
    {
        PackedSequences.StoreInitialGradient(ws, ws.DH, dH0);
        if (ws.Cell.HasCellState)
            PackedSequences.StoreInitialGradient(ws, ws.DC, dC0);
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
                BasicStep.ForwardStep<TanhActivation>(blas, ws, weights, t, r0, r1, outputs, finalH);
                break;
            case RnnCellKind.BasicRelu:
                BasicStep.ForwardStep<ReluActivation>(blas, ws, weights, t, r0, r1, outputs, finalH);
                break;
            case RnnCellKind.Lstm:
                LstmStep.ForwardStep(blas, ws, weights, t, r0, r1, outputs, finalH, finalC);
                break;
            default:
                GruStep.ForwardStep(blas, ws, weights, t, r0, r1, outputs, finalH);
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
                BasicStep.BackwardStep<TanhActivation>(blas, ws, weights, t, r0, r1, dOutputs, gradients.Bias);
                break;
            case RnnCellKind.BasicRelu:
                BasicStep.BackwardStep<ReluActivation>(blas, ws, weights, t, r0, r1, dOutputs, gradients.Bias);
                break;
            case RnnCellKind.Lstm:
                LstmStep.BackwardStep(blas, ws, weights, t, r0, r1, dOutputs, gradients.Bias);
                break;
            default:
                GruStep.BackwardStep(blas, ws, weights, t, r0, r1, dOutputs, gradients.Bias, gradients.CandidateBias);
                break;
        }
    }
}
