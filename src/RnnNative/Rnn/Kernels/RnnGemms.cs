using RnnNative.Blas;

namespace RnnNative.Kernels;

/// <summary>
/// The GEMMs of the fused RNN: the per-step recurrent products over a row range [r0, r1) of the sorted
/// batch, and the large products over all N packed rows that run once per call.
/// </summary>
/// <remarks>Weight group g has w_g output columns starting at column col_g of the (N, W) pre-activations.</remarks>
internal static class RnnGemms
{
    // The recurrent input of group g, (N, H) packed: h_{t-1}, or r_t·h_{t-1} for the GRU candidate.
    public static float[] RecurrentInput(RnnWorkspace ws, int group) => group == 1 ? ws.RH : ws.HPrev;

    /// <summary>pre_t[r0..r1, cols_g] += in_t[r0..r1] · Wh_g  — (rows, H)·(H, w_g).</summary>
    public static void RecurrentForward(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights,
        int group, int t, int r0, int r1)
    {
        var cell = ws.Cell;
        int h = cell.Units, width = cell.GroupWidth(group), row = ws.PackedRow(t, r0);
        blas.Sgemm(false, false, r1 - r0, width, h, 1f,
            RecurrentInput(ws, group).AsSpan(row * h), h,
            weights.RecurrentWeights(cell, group), width, 1f,
            ws.Pre.AsSpan(row * cell.PreWidth + cell.GroupColumn(group)), cell.PreWidth);
    }

    /// <summary>dIn[r0..r1] = beta·dIn + dPre_t[r0..r1, cols_g] · Wh_gᵀ  — (rows, w_g)·(w_g, H); dIn is (B, H).</summary>
    public static void RecurrentBackward(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights,
        int group, int t, int r0, int r1, float[] dIn, float beta)
    {
        var cell = ws.Cell;
        int h = cell.Units, width = cell.GroupWidth(group), row = ws.PackedRow(t, r0);
        blas.Sgemm(false, true, r1 - r0, h, width, 1f,
            ws.DPre.AsSpan(row * cell.PreWidth + cell.GroupColumn(group)), cell.PreWidth,
            weights.RecurrentWeights(cell, group), width, beta,
            dIn.AsSpan(r0 * h), h);
    }

    /// <summary>Pre[r0..r1, cols_g] = X[r0..r1] · Wx_g for all steps at once — (rows, I)·(I, w_g).</summary>
    public static void InputProjection(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights, int r0, int r1)
    {
        var cell = ws.Cell;
        if (r1 <= r0) return;
        for (int g = 0; g < cell.GroupCount; g++)
            blas.Sgemm(false, false, r1 - r0, cell.GroupWidth(g), cell.Inputs, 1f,
                ws.X.AsSpan(r0 * cell.Inputs), cell.Inputs, weights.InputWeights(cell, g), cell.GroupWidth(g), 0f,
                ws.Pre.AsSpan(r0 * cell.PreWidth + cell.GroupColumn(g)), cell.PreWidth);
    }

    /// <summary>
    /// Columns [c0, c1) of each group, c = the share <paramref name="part"/> of <paramref name="parts"/>:
    /// dWx_g += Xᵀ · dPre_g — (I, N)·(N, c); dWh_g += inᵀ · dPre_g — (H, N)·(N, c).
    /// </summary>
    public static void WeightGradients(BlasBackend blas, RnnWorkspace ws, in RnnWeightGradients gradients, int part, int parts)
    {
        var cell = ws.Cell;
        for (int g = 0; g < cell.GroupCount; g++)
        {
            int width = cell.GroupWidth(g);
            var (c0, c1) = ColumnShare(width, part, parts);
            if (c1 <= c0) continue;
            var dPre = ws.DPre.AsSpan(cell.GroupColumn(g) + c0);
            blas.Sgemm(true, false, cell.Inputs, c1 - c0, ws.PackedRows, 1f, ws.X, cell.Inputs, dPre, cell.PreWidth,
                1f, gradients.InputWeights(cell, g)[c0..], width);
            blas.Sgemm(true, false, cell.Units, c1 - c0, ws.PackedRows, 1f, RecurrentInput(ws, g), cell.Units,
                dPre, cell.PreWidth, 1f, gradients.RecurrentWeights(cell, g)[c0..], width);
        }
    }

    /// <summary>DX[r0..r1] = Σ_g dPre_g[r0..r1] · Wx_gᵀ — (rows, w_g)·(w_g, I), packed rows.</summary>
    public static void InputGradient(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights, int r0, int r1)
    {
        var cell = ws.Cell;
        if (r1 <= r0) return;
        for (int g = 0; g < cell.GroupCount; g++)
            blas.Sgemm(false, true, r1 - r0, cell.Inputs, cell.GroupWidth(g), 1f,
                ws.DPre.AsSpan(r0 * cell.PreWidth + cell.GroupColumn(g)), cell.PreWidth,
                weights.InputWeights(cell, g), cell.GroupWidth(g),
                g == 0 ? 0f : 1f, ws.DX.AsSpan(r0 * cell.Inputs), cell.Inputs);
    }

    /// <summary>Columns [c0, c1) of <paramref name="width"/> for part p of P: even shares, cut at multiples of 8 floats.</summary>
    public static (int Start, int End) ColumnShare(int width, int part, int parts) =>
        (Cut(width, part, parts), Cut(width, part + 1, parts));

    private static int Cut(int width, int part, int parts) =>
        part >= parts ? width : Math.Min(width, (int)((long)width * part / parts + 4) / 8 * 8);
}
