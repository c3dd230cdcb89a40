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
    public PinnedFloats Outputs, FinalH, FinalC, DOutputs;
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
        switch (Stage)
        {
            case SplitStage.InputProjection:
                var (p0, p1) = split.RowShare(ws.PackedRows, part);
                RnnGemms.InputProjection(blas, ws, Weights, p0, p1);
                break;
            case SplitStage.ForwardSteps:
                FusedRnn.ForwardSteps(blas, ws, Weights, split.SlotBounds[part], split.SlotBounds[part + 1],
                    Outputs.Span, FinalH.Span, FinalC.Span);
                break;
            case SplitStage.BackwardSteps:
                var gradients = part == 0 ? Gradients : ScratchGradients(ws.Cell, part);
                FusedRnn.BackwardSteps(blas, ws, Weights, split.SlotBounds[part], split.SlotBounds[part + 1],
                    DOutputs.Span, gradients);
                break;
            case SplitStage.WeightGradients:
                RnnGemms.WeightGradients(blas, ws, Gradients, part, split.Parts);
                break;
            default:
                var (r0, r1) = split.RowShare(ws.PackedRows, part);
                RnnGemms.InputGradient(blas, ws, Weights, r0, r1);
                break;
        }
    }

    // Part p ≥ 1 sums its bias gradients into row p−1 of the scratch, zeroed here: [bias (w0) | candidate bias].
    private RnnWeightGradients ScratchGradients(in RnnCellSpec cell, int part)
    {
        int width = cell.BiasLength + cell.CandidateBiasLength;
        var row = split.BiasScratch.AsSpan((part - 1) * width, width);
        row.Clear();
        return new RnnWeightGradients(default, row[..cell.BiasLength], default, row[cell.BiasLength..]);
    }

    /// <summary>Adds the bias gradients of parts 1..P−1 into the call's (after <see cref="SplitStage.BackwardSteps"/>).</summary>
    public void AddScratchBiases(in RnnCellSpec cell)
    {
        int width = cell.BiasLength + cell.CandidateBiasLength;
        for (int part = 1; part < split.Parts; part++)
        {
            var row = split.BiasScratch.AsSpan((part - 1) * width, width);
            System.Numerics.Tensors.TensorPrimitives.Add(DBias.Span, row[..cell.BiasLength], DBias.Span);
            if (cell.CandidateBiasLength > 0)
                System.Numerics.Tensors.TensorPrimitives.Add(DCandidateBias.Span, row[cell.BiasLength..], DCandidateBias.Span);
        }
    }

    /// <summary>Forgets the pointers (they are only valid inside the caller's fixed block).</summary>
    public void Clear()
    {
        Workspace = null;
        Kernel = Bias = CandidateKernel = CandidateBias = default;
        Outputs = FinalH = FinalC = DOutputs = default;
        DKernel = DBias = DCandidateKernel = DCandidateBias = default;
    }
}
