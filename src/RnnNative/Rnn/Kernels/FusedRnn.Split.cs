namespace RnnNative.Kernels;

// Forward and backward on several threads (see BatchSplit): the same phases as Forward and Backward, with
// the time loops run per slice and the all-step GEMMs cut into shares. Same arguments, same checks.
public static unsafe partial class FusedRnn
{
    /// <summary><see cref="Forward"/> with the batch cut into <see cref="BatchSplit.Parts"/> slices run side by side.</summary>
    internal static void ForwardSplit(BatchSplit split, RnnWorkspace ws, ReadOnlySpan<float> x, bool timeMajor,
        in RnnWeights weights, ReadOnlySpan<int> lengths, ReadOnlySpan<float> h0, ReadOnlySpan<float> c0,
        Span<float> outputs, Span<float> finalH, Span<float> finalC)
    {
        ArgumentNullException.ThrowIfNull(split);
        PlanForward(split.Blas, ws, x, timeMajor, weights, lengths, h0, c0, outputs, finalH, finalC);
        if (ws.PackedRows == 0)
            PackSlots(ws, x, h0, c0, finalH, finalC, 0, ws.Batch);
        else
        {
            split.CutSlices(ws);
            fixed (float* k = weights.Kernel, b = weights.Bias, ck = weights.CandidateKernel, cb = weights.CandidateBias)
            fixed (float* px = x, ph0 = h0, pc0 = c0, o = outputs, fh = finalH, fc = finalC)
            {
                var call = split.Call.Begin(ws, weights, k, b, ck, cb);
                call.X = new PinnedFloats(px, x.Length);
                call.H0 = new PinnedFloats(ph0, h0.Length);
                call.C0 = new PinnedFloats(pc0, c0.Length);
                call.Outputs = new PinnedFloats(o, outputs.Length);
                call.FinalH = new PinnedFloats(fh, finalH.Length);
                call.FinalC = new PinnedFloats(fc, finalC.Length);
                try
                {
                    // Each thread packs its own slice: the rows it reads first are then in its own cache.
                    if (RnnGemms.HasInputProjection(ws.Cell))
                    {
                        split.Run(SplitStage.PackSlices);
                        split.Run(SplitStage.InputProjection);
                    }
                    split.Run(SplitStage.ForwardSteps);
                }
                finally { call.Clear(); }
            }
        }
        EndForward(ws, outputs);
    }

    /// <summary><see cref="Backward"/> with the slices of the last <see cref="ForwardSplit"/> run side by side.</summary>
    internal static void BackwardSplit(BatchSplit split, RnnWorkspace ws, in RnnWeights weights,
        ReadOnlySpan<float> dOutputs, ReadOnlySpan<float> dFinalH, ReadOnlySpan<float> dFinalC,
        Span<float> dX, in RnnWeightGradients gradients, Span<float> dH0, Span<float> dC0)
    {
        ArgumentNullException.ThrowIfNull(split);
        BeginBackward(split.Blas, ws, weights, dOutputs, dFinalH, dFinalC, dX, gradients, dH0, dC0);
        split.CutSlices(ws);   // the forward's cut: the workspace still holds its plan
        split.EnsureGradientScratch(ws.Cell);
        fixed (float* k = weights.Kernel, b = weights.Bias, ck = weights.CandidateKernel, cb = weights.CandidateBias)
        fixed (float* dOut = dOutputs, dk = gradients.Kernel, db = gradients.Bias,
               dck = gradients.CandidateKernel, dcb = gradients.CandidateBias)
        {
            var call = split.Call.Begin(ws, weights, k, b, ck, cb);
            call.DOutputs = new PinnedFloats(dOut, dOutputs.Length);
            call.DKernel = new PinnedFloats(dk, gradients.Kernel.Length);
            call.DBias = new PinnedFloats(db, gradients.Bias.Length);
            call.DCandidateKernel = new PinnedFloats(dck, gradients.CandidateKernel.Length);
            call.DCandidateBias = new PinnedFloats(dcb, gradients.CandidateBias.Length);
            try
            {
                split.Run(SplitStage.BackwardSteps);
                StoreInitialGradients(ws, dH0, dC0);
                if (ws.PackedRows > 0)   // (else no part summed anything)
                {
                    split.Run(SplitStage.WeightGradients);
                    call.AddScratchGradients(ws.Cell);
                    if (!dX.IsEmpty) split.Run(SplitStage.InputGradient);
                }
            }
            finally { call.Clear(); }
        }
        if (ws.PackedRows == 0) dX.Clear();
        else if (!dX.IsEmpty) PackedSequences.ScatterInputGradient(ws, dX);
    }

    /// <summary><see cref="InputGradient"/> with the GEMM's rows cut into shares.</summary>
    internal static void InputGradientSplit(BatchSplit split, RnnWorkspace ws, in RnnWeights weights, Span<float> dX)
    {
        ArgumentNullException.ThrowIfNull(split);
        if (!CheckInputGradient(split.Blas, ws, weights, dX))
            return;
        fixed (float* k = weights.Kernel, b = weights.Bias, ck = weights.CandidateKernel, cb = weights.CandidateBias)
        {
            var call = split.Call.Begin(ws, weights, k, b, ck, cb);
            try { split.Run(SplitStage.InputGradient); }
            finally { call.Clear(); }
        }
        PackedSequences.ScatterInputGradient(ws, dX);
    }
}
