using System.Numerics.Tensors;

namespace RnnNative.Kernels;

/// <summary>A float buffer pinned by the calling thread for the length of a split call (spans cannot cross threads).</summary>
internal readonly unsafe struct PinnedFloats(float* pointer, int length)
{
    public Span<float> Span => new(pointer, length);
}

/// <summary>
/// The arguments of one split forward or backward call, as pointers pinned by the caller (who waits for every
/// part before it unpins them), and the work of each <see cref="SplitStage"/> for one part.
/// </summary>
internal sealed unsafe class SplitCall(BatchSplit split) : IPartJob
{
    public SplitStage Stage;
    public RnnWorkspace? Workspace;
    public PinnedFloats Kernel, Bias, CandidateKernel, CandidateBias;      // weights
    public PinnedFloats X, H0, C0, Outputs, FinalH, FinalC, DOutputs;
    public PinnedFloats DKernel, DBias, DCandidateKernel, DCandidateBias;  // weight gradients (accumulated)

    private RnnWeights Weights => new(Kernel.Span, Bias.Span, CandidateKernel.Span, CandidateBias.Span);

    private RnnWeightGradients Gradients => new(DKernel.Span, DBias.Span, DCandidateKernel.Span, DCandidateBias.Span);

    /// <summary>Starts a call on <paramref name="ws"/> with the weights pinned at the given addresses.</summary>
    public SplitCall Begin(RnnWorkspace ws, in RnnWeights weights, float* kernel, float* bias, float* candidateKernel,
        float* candidateBias)
    {
        Workspace = ws;
        Kernel = new PinnedFloats(kernel, weights.Kernel.Length);
        Bias = new PinnedFloats(bias, weights.Bias.Length);
        CandidateKernel = new PinnedFloats(candidateKernel, weights.CandidateKernel.Length);
        CandidateBias = new PinnedFloats(candidateBias, weights.CandidateBias.Length);
        return this;
    }

    public void Run(int part)
    {
        var ws = Workspace!;
        var blas = split.Blas;
        int slot0 = split.SlotBounds[part], slot1 = split.SlotBounds[part + 1];
        switch (Stage)
        {
            case SplitStage.PackSlices:
                FusedRnn.PackSlots(ws, X.Span, H0.Span, C0.Span, FinalH.Span, FinalC.Span, slot0, slot1);
                break;
            case SplitStage.InputProjection:
                var (p0, p1) = split.RowShare(ws.PackedRows, part);
                RnnGemms.InputProjection(blas, ws, Weights, p0, p1);
                break;
            case SplitStage.ForwardSteps:   // packs the slice first unless PackSlices did (the input projection needs all rows)
                if (!RnnGemms.HasInputProjection(ws.Cell))
                    FusedRnn.PackSlots(ws, X.Span, H0.Span, C0.Span, FinalH.Span, FinalC.Span, slot0, slot1);
                FusedRnn.ForwardSteps(blas, ws, Weights, slot0, slot1, Outputs.Span, FinalH.Span, FinalC.Span);
                break;
            case SplitStage.BackwardSteps:
                var gradients = part == 0 ? Gradients : ScratchGradients(ws.Cell, part);
                if (part > 0)
                {
                    gradients.Bias.Clear();
                    gradients.CandidateBias.Clear();
                }
                FusedRnn.BackwardSteps(blas, ws, Weights, slot0, slot1, DOutputs.Span, gradients);
                break;
            case SplitStage.WeightGradients:   // part 0 adds to the caller's, the others overwrite their scratch
                var (w0, w1) = split.RowShare(ws.PackedRows, part);
                RnnGemms.WeightGradients(blas, ws, part == 0 ? Gradients : ScratchGradients(ws.Cell, part), w0, w1, part == 0 ? 1f : 0f);
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
        var row = split.GradientScratch.AsSpan((part - 1) * GradientLength(cell), GradientLength(cell));
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

    /// <summary>Forgets the pointers (they are only valid inside the caller's fixed block).</summary>
    public void Clear()
    {
        Workspace = null;
        Kernel = Bias = CandidateKernel = CandidateBias = default;
        X = H0 = C0 = Outputs = FinalH = FinalC = DOutputs = default;
        DKernel = DBias = DCandidateKernel = DCandidateBias = default;
    }
}
