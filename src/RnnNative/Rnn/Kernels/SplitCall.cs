using System.Numerics.Tensors;

namespace RnnNative.Kernels;

/// <summary>
/// The arguments of one forward or backward call of a <see cref="BatchSplit"/>, as array segments of the caller's
/// buffers (spans cannot cross threads; the caller waits for every part before it returns), and the work of each
/// <see cref="SplitStage"/> for one part.
/// </summary>
internal sealed class SplitCall(BatchSplit split) : IPartJob
{
    public SplitStage Stage;
    public RnnWorkspace? Workspace;
    public RnnWeights Weights;
    public ArraySegment<float> X, H0, C0, Outputs, FinalH, FinalC, DOutputs;
    public RnnWeightGradients Gradients;   // accumulated

    /// <summary>Starts a call on <paramref name="ws"/> with <paramref name="weights"/>.</summary>
    public SplitCall Begin(RnnWorkspace ws, in RnnWeights weights)
    {
        Workspace = ws;
        Weights = weights;
        return this;
    }

    public void Run(int part)
    {
        var ws = Workspace!;
        var blas = split.Gemm;
        int slot0 = split.SlotBounds[part], slot1 = split.SlotBounds[part + 1];
        switch (Stage)
        {
            case SplitStage.PackSlices:
                FusedRnn.PackSlots(ws, X, H0, C0, FinalH, FinalC, slot0, slot1);
                break;
            case SplitStage.InputProjection:
                var (p0, p1) = split.RowShare(ws.PackedRows, part);
                RnnGemms.InputProjection(blas, ws, Weights, p0, p1);
                break;
            case SplitStage.ForwardSteps:   // packs the slice first unless PackSlices did (the input projection needs all rows)
                if (!RnnGemms.HasInputProjection(ws.Cell))
                    FusedRnn.PackSlots(ws, X, H0, C0, FinalH, FinalC, slot0, slot1);
                FusedRnn.ForwardSteps(blas, ws, Weights, slot0, slot1, Outputs, FinalH, FinalC);
                break;
            case SplitStage.BackwardSteps:
                var gradients = part == 0 ? Gradients : ScratchGradients(ws.Cell, part);
                if (part > 0)
                {
                    gradients.Bias.Clear();
                    gradients.CandidateBias.Clear();
                }
                FusedRnn.BackwardSteps(blas, ws, Weights, slot0, slot1, DOutputs, gradients);
                break;
            case SplitStage.WeightGradients:   // part 0 adds to the caller's, the others overwrite their scratch
                var (w0, w1) = ws.SliceRows(part);   // the rows this part's time loop wrote
                RnnGemms.WeightGradients(blas, ws, part == 0 ? Gradients : ScratchGradients(ws.Cell, part), w0, w1, part == 0 ? 1f : 0f,
                    split.TransposedKernelScratch(part));
                break;
            default:
                var (r0, r1) = split.RowShare(ws.PackedRows, part);
                RnnGemms.InputGradient(blas, ws, Weights, r0, r1);
                break;
        }
    }

    // Part p ≥ 1 keeps its gradients in row p−1 of the scratch: [kernel | bias | candidate kernel | candidate bias].
    private RnnWeightGradients ScratchGradients(in RnnCellSpec cell, int part)
    {
        var row = new ArraySegment<float>(split.GradientScratch, (part - 1) * GradientLength(cell), GradientLength(cell));
        int kernel = cell.KernelLength, bias = cell.BiasLength, candidate = cell.CandidateKernelLength;
        return new RnnWeightGradients(row[..kernel], row.Slice(kernel, bias), row.Slice(kernel + bias, candidate),
            row[(kernel + bias + candidate)..]);
    }

    /// <summary>Floats of one part's gradient scratch.</summary>
    public static int GradientLength(in RnnCellSpec cell) =>
        cell.KernelLength + cell.BiasLength + cell.CandidateKernelLength + cell.CandidateBiasLength;

    /// <summary>Adds the gradients of parts 1..P−1 into the call's (after <see cref="SplitStage.WeightGradients"/>).</summary>
    public void AddScratchGradients(in RnnCellSpec cell)
    {
        var total = Gradients;
        for (int part = 1; part < split.Parts; part++)
        {
            var scratch = ScratchGradients(cell, part);
            TensorPrimitives.Add(total.Kernel, scratch.Kernel, total.Kernel);
            TensorPrimitives.Add(total.Bias, scratch.Bias, total.Bias);
            TensorPrimitives.Add(total.CandidateKernel, scratch.CandidateKernel, total.CandidateKernel);
            TensorPrimitives.Add(total.CandidateBias, scratch.CandidateBias, total.CandidateBias);
        }
    }

    /// <summary>Forgets the call's buffers (so that they are not kept alive between calls).</summary>
    public void Clear()
    {
        Workspace = null;
        Weights = default;
        X = H0 = C0 = Outputs = FinalH = FinalC = DOutputs = default;
        Gradients = default;
    }
}
