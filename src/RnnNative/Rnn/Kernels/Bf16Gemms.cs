using RnnNative.Blas;

namespace RnnNative.Kernels;

/// <summary>
/// The GEMMs of <see cref="RnnGemms"/> on a <see cref="Bf16Blas"/> when the workspace keeps bfloat16 shadows of XH
/// and DPre (<see cref="RnnWorkspace.Bf16"/>): each block is rounded once, where it is produced, instead of on
/// every GEMM that reads it. The GEMMs see the same bfloat16 values and shapes as the rounding path, so the
/// results are the same.
/// </summary>
/// <remarks>
/// Who fills what: x (XH's first I columns) is rounded as the inputs are packed
/// (<see cref="PackedSequences.GatherInputs"/>). The basic cell's row passes store h_t and dPre in both precisions
/// (from the registers that hold them: no second pass over the rows); for the LSTM and GRU, h_{t-1} is rounded at
/// the start of step t's forward GEMM, and dPre of group g at the start of its recurrent backward GEMM, right
/// after the row pass wrote them. Step 0's h_{-1} (the initial state) is always rounded at its GEMM. The per-call
/// GEMMs over all rows (kernel gradient, dX) then read the shadows as they are. The GRU's candidate input r·h keeps the rounding path.
/// </remarks>
internal static class Bf16Gemms
{
    /// <summary>Joined group: pre_t[r0..r1, cols_0] = [x_t | h_{t-1}]·[Wx; Wh] (or x_t·Wx from a zero state).</summary>
    public static void JoinedForward(Bf16Blas blas, Bf16Shadows bits, RnnWorkspace ws, ReadOnlySpan<float> kernel,
        int t, int r0, int r1, bool fromZero, bool stateRounded)
    {
        var cell = ws.Cell;
        int width = cell.GroupWidth(0), row = ws.PackedRow(t, r0), inputs = cell.Inputs;
        // h_{t-1} (zeros at step 0 from a zero state: the kernel gradient reads them)
        if (!stateRounded)
            bits.XH.Round(ws.XH, row, row + r1 - r0, inputs, cell.Units);
        int k = fromZero ? inputs : inputs + cell.Units;
        var pre = ws.Pre.From(row, cell.GroupColumn(0));
        if (bits.Kernel is { } padded)   // Padded(W) columns: the extra ones land in Pre's row padding
            blas.GemmBf16Padded(false, false, r1 - r0, RnnGemms.Padded(width, ws.Pre.Room), width, k, 1f, bits.XH.From(row), bits.XH.Stride,
                padded.From(0), padded.Stride, 0f, pre, ws.Pre.Stride);
        else
            blas.GemmBf16(false, false, r1 - r0, width, k, 1f, bits.XH.From(row), bits.XH.Stride,
                kernel, width, 0f, pre, ws.Pre.Stride);
    }

    /// <summary>dIn[r0..r1] = beta·dIn + dPre_t[r0..r1, cols_g] · Wh_gᵀ, after rounding that block of dPre.</summary>
    public static void RecurrentBackward(Bf16Blas blas, Bf16Shadows bits, RnnWorkspace ws, ReadOnlySpan<float> recurrent,
        int group, int t, int r0, int r1, RowBuffer dIn, float beta, bool dPreRounded)
    {
        var cell = ws.Cell;
        int h = cell.Units, width = cell.GroupWidth(group), column = cell.GroupColumn(group), row = ws.PackedRow(t, r0);
        if (!dPreRounded)   // the kernel gradient reads it even at step 0
            bits.DPre.Round(ws.DPre, row, row + r1 - r0, column, width);
        if (t == 0 && ws.SkipsInitialGradient && dIn == ws.DH)
            return;
        var dPre = bits.DPre.From(row, column);
        if (group == 0 && bits.Kernel is { } padded)   // Wh's Padded(H) rows: the extra columns land in dIn's row padding
            blas.GemmBf16Padded(false, true, r1 - r0, RnnGemms.Padded(h, dIn.Room), h, width, 1f, dPre, bits.DPre.Stride,
                padded.From(cell.Inputs), padded.Stride, beta, dIn.From(r0), dIn.Stride);
        else
            blas.GemmBf16(false, true, r1 - r0, h, width, 1f, dPre, bits.DPre.Stride,
                recurrent, width, beta, dIn.From(r0), dIn.Stride);
    }

    /// <summary>The weight gradients over packed rows [r0, r1) (see <see cref="RnnGemms.WeightGradients"/>: the joined
    /// kernel's gradient transposed through <paramref name="kernelScratch"/>, as there).</summary>
    public static void WeightGradients(Bf16Blas blas, Bf16Shadows bits, RnnWorkspace ws, in RnnWeightGradients gradients,
        int r0, int r1, float beta, RowBuffer kernelScratch)
    {
        var cell = ws.Cell;
        for (int g = 0; g < cell.GroupCount; g++)
        {
            int width = cell.GroupWidth(g);
            var dPre = bits.DPre.From(r0, cell.GroupColumn(g));
            if (RnnGemms.IsJoined(g) && RnnGemms.TransposesKernelGradient(cell))
            {
                int columns = cell.Inputs + cell.Units;
                int computed = RnnGemms.Padded(columns, Math.Min(bits.XH.Stride, kernelScratch.Room));
                blas.GemmBf16Padded(true, false, width, computed, columns, r1 - r0, 1f, dPre, bits.DPre.Stride,
                    bits.XH.From(r0), bits.XH.Stride, 0f, kernelScratch.From(0), kernelScratch.Stride);
                TransposedRows.AddTo(kernelScratch, gradients.GroupKernel(g), beta);
                continue;
            }
            if (RnnGemms.IsJoined(g))
            {
                blas.GemmBf16(true, false, cell.Inputs + cell.Units, width, r1 - r0, 1f, bits.XH.From(r0), bits.XH.Stride,
                    dPre, bits.DPre.Stride, beta, gradients.GroupKernel(g), width);
                continue;
            }
            blas.GemmBf16(true, false, cell.Inputs, width, r1 - r0, 1f, bits.XH.From(r0), bits.XH.Stride,
                dPre, bits.DPre.Stride, beta, gradients.InputWeights(cell, g), width);
            var input = RnnGemms.RecurrentInput(ws, g);   // r·h has no shadow: rounded by the backend
            blas.Sgemm(true, false, cell.Units, width, r1 - r0, 1f, input.From(r0), input.Stride,
                ws.DPre.From(r0, cell.GroupColumn(g)), ws.DPre.Stride, beta, gradients.RecurrentWeights(cell, g), width);
        }
    }

    /// <summary>DX[r0..r1] = Σ_g dPre_g[r0..r1] · Wx_gᵀ.</summary>
    public static void InputGradient(Bf16Blas blas, Bf16Shadows bits, RnnWorkspace ws, in RnnWeights weights, int r0, int r1)
    {
        var cell = ws.Cell;
        for (int g = 0; g < cell.GroupCount; g++)
            blas.GemmBf16(false, true, r1 - r0, cell.Inputs, cell.GroupWidth(g), 1f,
                bits.DPre.From(r0, cell.GroupColumn(g)), bits.DPre.Stride, weights.InputWeights(cell, g), cell.GroupWidth(g),
                g == 0 ? 0f : 1f, ws.DX.From(r0), ws.DX.Stride);
    }
}
