using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using RnnNative.Blas;

namespace RnnNative.Kernels;

/// <summary>
/// The GEMMs of the fused RNN: the per-step recurrent products over a row range [r0, r1) of the sorted
/// batch, and the large products over all N packed rows that run once per call.
/// </summary>
/// <remarks>
/// Weight group g has w_g output columns starting at column col_g of the (N, W) pre-activations. A group whose
/// recurrent input is h_{t-1} (group 0: every cell's, the GRU's gates) is <i>joined</i>: x_t and h_{t-1} lie side by
/// side in one row of <see cref="RnnWorkspace.XH"/>, so each step computes its whole pre-activation as one GEMM
/// [x_t | h_{t-1}]·[Wx; Wh] (k = I+H, TF's kernel as it is) and backward its kernel gradient as one GEMM over
/// all rows: a GEMM with k = I+H runs closer to the library's peak than one with k = I plus one with k = H
/// (figures in docs/performance.md).
/// The GRU's candidate (group 1) reads r_t·h_{t-1}, known only mid-step: it keeps the all-step input projection.
/// <para>MKL's packed GEMM for the weights every step reuses is not used: it gave no gain on these shapes
/// (docs/performance.md).</para>
/// </remarks>
internal static class RnnGemms
{
    // The recurrent input of group g, (N, H) packed: h_{t-1}, or r_t·h_{t-1} for the GRU candidate.
    public static RowBuffer RecurrentInput(RnnWorkspace ws, int group) => group == 1 ? ws.RH : ws.HPrev;

    // The bfloat16 path (Bf16Gemms) when the workspace keeps bfloat16 shadows. Those are the only copy of some
    // operands (the basic cell skips their float copies), so a call with shadows must come with a bfloat16 backend.
    private static bool TryShadows(BlasBackend blas, RnnWorkspace ws, [NotNullWhen(true)] out Bf16Blas? bf16,
        [NotNullWhen(true)] out Bf16Shadows? bits)
    {
        bits = ws.Bf16;
        bf16 = blas as Bf16Blas;
        if (bits != null && bf16 == null)
            throw new InvalidOperationException(
                "This workspace's forward ran its GEMMs in bfloat16; its backward must run on a bfloat16 backend too.");
        return bits != null;
    }

    /// <summary>
    /// <paramref name="n"/> rounded up to a multiple of 16: the output width the joined group's GEMMs compute. BLAS
    /// kernels run a width that is not a multiple of their register tile below their rate at the next multiple —
    /// MKL's bfloat16 kernels far below (150 columns took longer than 160), its float32 ones a few percent
    /// (docs/performance.md). The extra columns land in the row padding of the output (Pre, DH, the kernel-gradient
    /// scratch: their strides are whole 64-byte lines, so at least that wide), and nobody reads them.
    /// </summary>
    internal static int Padded(int n) => (n + 15) & ~15;

    /// <summary>Whether the joined group's per-step GEMMs may pad its w_0 columns: only when it is the cell's one group
    /// (the GRU's candidate columns follow its gates in Pre, where the padding would land).</summary>
    internal static bool PadsJoinedGroup(in RnnCellSpec cell) => cell.GroupCount == 1;

    /// <summary><see cref="Padded(int)"/>(n) if every row of the buffers involved has that <paramref name="room"/>, else n.</summary>
    internal static int Padded(int n, int room) => Padded(n) <= room ? Padded(n) : n;

    /// <summary>
    /// Whether the joined kernel's gradient is computed transposed (see <see cref="WeightGradients"/>): when I+H &gt; w_0
    /// (the basic cells), so that the GEMM's output width n is the wider of the two. MKL ran the reference model's
    /// 150×(178→192)×4200 faster than 178×150×4200 in float32 and bfloat16, the LSTM's and GRU's 178×600 and 178×300
    /// faster than transposed (docs/performance.md); the transpose costs one pass over w_0·(I+H) floats.
    /// </summary>
    internal static bool TransposesKernelGradient(in RnnCellSpec cell) => cell.Inputs + cell.Units > cell.GroupWidth(0);

    // Whether group g reads h_{t-1} and so runs on the joined operand [x_t | h_{t-1}].
    internal static bool IsJoined(int group) => group == 0;

    /// <summary>
    /// Joined group: pre_t[r0..r1, cols_g] = [x_t | h_{t-1}]·[Wx_g; Wh_g] — (rows, I+H)·(I+H, w_g), or x_t·Wx_g
    /// at step 0 from a zero state. Other groups: pre_t[r0..r1, cols_g] += in_t · Wh_g — (rows, H)·(H, w_g).
    /// <paramref name="stateRounded"/>: the previous step's row pass already wrote the bfloat16 shadow of h_{t-1}.
    /// </summary>
    // Called once per step: kept out of the steps (NoInlining) so the steps' inlining budget goes to their row kernels.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void RecurrentForward(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights,
        int group, int t, int r0, int r1, bool stateRounded = false)
    {
        var cell = ws.Cell;
        int width = cell.GroupWidth(group), row = ws.PackedRow(t, r0);
        var pre = ws.Pre.From(row, cell.GroupColumn(group));
        bool fromZero = t == 0 && ws.ZeroInitialState;   // h0 = 0 (and r·h0 = 0): no recurrent term
        if (IsJoined(group) && TryShadows(blas, ws, out var bf16, out var bits))
        {
            Bf16Gemms.JoinedForward(bf16, bits, ws, weights.GroupKernel(group), t, r0, r1, fromZero, stateRounded);
            return;
        }
        if (IsJoined(group))
        {
            int k = fromZero ? cell.Inputs : cell.Inputs + cell.Units;
            if (ws.HasPaddedKernel)   // Padded(W) columns from the kernel's zero-padded copy
                blas.SgemmPadded(false, false, r1 - r0, Padded(width, ws.Pre.Room), width, k, 1f, ws.XH.From(row), ws.XH.Stride,
                    ws.PaddedKernel.From(0), ws.PaddedKernel.Stride, 0f, pre, ws.Pre.Stride);
            else
                blas.Sgemm(false, false, r1 - r0, width, k, 1f, ws.XH.From(row), ws.XH.Stride,
                    weights.GroupKernel(group), width, 0f, pre, ws.Pre.Stride);
            return;
        }
        if (fromZero)
            return;
        var input = RecurrentInput(ws, group);
        blas.Sgemm(false, false, r1 - r0, width, cell.Units, 1f, input.From(row), input.Stride,
            weights.RecurrentWeights(cell, group), width, 1f, pre, ws.Pre.Stride);
    }

    /// <summary>dIn[r0..r1] = beta·dIn + dPre_t[r0..r1, cols_g] · Wh_gᵀ  — (rows, w_g)·(w_g, H); dIn is (B, H).
    /// <paramref name="dPreRounded"/>: the row pass already wrote the bfloat16 shadow of that block of dPre.</summary>
    /// <remarks>Reads the workspace's transposed copy of Wh_g when it has one (an NN GEMM), else Wh_g itself (NT).</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void RecurrentBackward(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights,
        int group, int t, int r0, int r1, RowBuffer dIn, float beta, bool dPreRounded = false)
    {
        var cell = ws.Cell;
        if (TryShadows(blas, ws, out var bf16, out var bits))
        {
            Bf16Gemms.RecurrentBackward(bf16, bits, ws, weights.RecurrentWeights(cell, group), group, t, r0, r1, dIn, beta,
                dPreRounded);
            return;
        }
        if (t == 0 && ws.SkipsInitialGradient && dIn == ws.DH)
            return;   // dh_{-1} only makes dH0, which is not wanted (GRU's d(rh) at step 0 still is)
        int h = cell.Units, width = cell.GroupWidth(group), row = ws.PackedRow(t, r0);
        var dPre = ws.DPre.From(row, cell.GroupColumn(group));
        int transposedStride = ws.TransposedRecurrentStride;
        if (ws.HasTransposedRecurrent)   // the same product on Whᵀ: (rows, w_g)·(w_g, H), NN, Padded(H) columns
            blas.SgemmPadded(false, false, r1 - r0, Padded(h, Math.Min(dIn.Room, transposedStride)), h, width, 1f,
                dPre, ws.DPre.Stride, ws.TransposedRecurrentWeights(group), transposedStride, beta, dIn.From(r0), dIn.Stride);
        else
            blas.Sgemm(false, true, r1 - r0, h, width, 1f, dPre, ws.DPre.Stride,
                weights.RecurrentWeights(cell, group), width, beta, dIn.From(r0), dIn.Stride);
    }

    /// <summary>Whether <see cref="InputProjection"/> has work: some group is not joined (the GRU's candidate).</summary>
    public static bool HasInputProjection(in RnnCellSpec cell)
    {
        for (int g = 0; g < cell.GroupCount; g++)
            if (!IsJoined(g)) return true;
        return false;
    }

    /// <summary>Groups that are not joined: Pre[r0..r1, cols_g] = X[r0..r1] · Wx_g for all steps at once — (rows, I)·(I, w_g).</summary>
    public static void InputProjection(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights, int r0, int r1)
    {
        var cell = ws.Cell;
        if (r1 <= r0) return;
        for (int g = 0; g < cell.GroupCount; g++)
            if (!IsJoined(g))
                blas.Sgemm(false, false, r1 - r0, cell.GroupWidth(g), cell.Inputs, 1f, ws.X.From(r0), ws.X.Stride,
                    weights.InputWeights(cell, g), cell.GroupWidth(g), 0f, ws.Pre.From(r0, cell.GroupColumn(g)), ws.Pre.Stride);
    }

    /// <summary>
    /// The weight gradients over packed rows [r0, r1), beta 1 accumulating and 0 overwriting. Joined group:
    /// dKernel_g = beta·dKernel_g + [X | HPrev][r0..r1]ᵀ · dPre_g[r0..r1] — (I+H, rows)·(rows, w_g). Others:
    /// dWx_g = beta·dWx_g + X[r0..r1]ᵀ · dPre_g[r0..r1] and dWh_g = beta·dWh_g + in[r0..r1]ᵀ · dPre_g[r0..r1].
    /// </summary>
    /// <remarks>When <see cref="TransposesKernelGradient"/>, the joined kernel's gradient is computed transposed into
    /// <paramref name="kernelScratch"/> (a (w_0, I+H) buffer; unused, and may be empty, otherwise), dKernelᵀ = dPreᵀ·[X | H] — (w_0, rows)·(rows, I+H),
    /// <see cref="Padded(int)"/> columns — and added transposed into the gradient.
    /// Threads cut these GEMMs along the rows (their k), each into its own buffer: cut along the output's
    /// rows or columns instead, the narrower products ran 10–25% slower on every backend here.</remarks>
    public static void WeightGradients(BlasBackend blas, RnnWorkspace ws, in RnnWeightGradients gradients, int r0, int r1, float beta,
        RowBuffer kernelScratch)
    {
        ArgumentNullException.ThrowIfNull(kernelScratch);
        var cell = ws.Cell;
        if (r1 <= r0)   // no rows (a part with an empty share): a sum of nothing; a GEMM needs k ≥ 1
        {
            if (beta == 0)
            {
                gradients.Kernel.Clear();
                gradients.CandidateKernel.Clear();
            }
            return;
        }
        if (TryShadows(blas, ws, out var bf16, out var bits))
        {
            Bf16Gemms.WeightGradients(bf16, bits, ws, gradients, r0, r1, beta, kernelScratch);
            return;
        }
        for (int g = 0; g < cell.GroupCount; g++)
        {
            int width = cell.GroupWidth(g);
            var dPre = ws.DPre.From(r0, cell.GroupColumn(g));
            if (IsJoined(g) && TransposesKernelGradient(cell))
            {
                int columns = cell.Inputs + cell.Units, computed = Padded(columns, Math.Min(ws.XH.Room, kernelScratch.Room));
                blas.SgemmPadded(true, false, width, computed, columns, r1 - r0, 1f, dPre, ws.DPre.Stride,
                    ws.XH.From(r0), ws.XH.Stride, 0f, kernelScratch.From(0), kernelScratch.Stride);
                TransposedRows.AddTo(kernelScratch, gradients.GroupKernel(g), beta);
                continue;
            }
            if (IsJoined(g))
            {
                blas.Sgemm(true, false, cell.Inputs + cell.Units, width, r1 - r0, 1f, ws.XH.From(r0), ws.XH.Stride,
                    dPre, ws.DPre.Stride, beta, gradients.GroupKernel(g), width);
                continue;
            }
            var input = RecurrentInput(ws, g);
            blas.Sgemm(true, false, cell.Inputs, width, r1 - r0, 1f, ws.X.From(r0), ws.X.Stride,
                dPre, ws.DPre.Stride, beta, gradients.InputWeights(cell, g), width);
            blas.Sgemm(true, false, cell.Units, width, r1 - r0, 1f, input.From(r0), input.Stride,
                dPre, ws.DPre.Stride, beta, gradients.RecurrentWeights(cell, g), width);
        }
    }

    /// <summary>DX[r0..r1] = Σ_g dPre_g[r0..r1] · Wx_gᵀ — (rows, w_g)·(w_g, I), packed rows.</summary>
    public static void InputGradient(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights, int r0, int r1)
    {
        var cell = ws.Cell;
        if (r1 <= r0) return;
        if (TryShadows(blas, ws, out var bf16, out var bits))
        {
            Bf16Gemms.InputGradient(bf16, bits, ws, weights, r0, r1);
            return;
        }
        for (int g = 0; g < cell.GroupCount; g++)
            blas.Sgemm(false, true, r1 - r0, cell.Inputs, cell.GroupWidth(g), 1f,
                ws.DPre.From(r0, cell.GroupColumn(g)), ws.DPre.Stride, weights.InputWeights(cell, g), cell.GroupWidth(g),
                g == 0 ? 0f : 1f, ws.DX.From(r0), ws.DX.Stride);
    }
}
