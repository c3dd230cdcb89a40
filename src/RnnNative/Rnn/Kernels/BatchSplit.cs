using RnnNative.Blas;

namespace RnnNative.Kernels;

/// <summary>
/// Runs the fused RNN on the parts of a <see cref="ComputeResources"/>: the length-sorted batch is cut into one
/// slice of slots per part, each slice's time loop runs on its own thread (part 0 on the caller, the others on
/// the pool's helper threads) with <see cref="ComputeResources.Gemm"/>, and the all-step GEMMs are cut by rows.
/// One part (one thread) is the same code with one slice and whole GEMMs.
/// </summary>
/// <remarks>
/// Slices are independent through the whole time loop (each row of every buffer belongs to one slot), so the
/// only shared results are the weight gradients: the bias sums of the time loop and the weight-gradient GEMMs,
/// cut along their k (the packed rows). Part 0 adds into the caller's gradients, every other part into a
/// scratch of its own that is added in at the end (so the sums' order differs from one thread's, by rounding).
/// Slices are cut to equal Σ lengths, so each part has the same number of packed rows to within one example.
/// The buffers of a call reach the parts as array segments held by <see cref="Call"/>. One call at a time.
/// </remarks>
internal sealed class BatchSplit
{
    private readonly ComputeResources _compute;

    /// <summary>A split over the parts of <paramref name="compute"/> (not owned).</summary>
    public BatchSplit(ComputeResources compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        _compute = compute;
        Call = new SplitCall(this);
        SlotBounds = new int[compute.Parts + 1];
    }

    /// <summary>One part on the calling thread with <paramref name="gemm"/>: the fused RNN on one thread.</summary>
    public static BatchSplit OnePart(BlasBackend gemm) => new(new ComputeResources(gemm, parts: 1));

    /// <summary>The GEMM each part calls.</summary>
    public BlasBackend Gemm => _compute.Gemm;

    /// <summary>Threads, including the caller's.</summary>
    public int Parts => _compute.Parts;

    /// <summary>The job of the current call (one call at a time).</summary>
    internal SplitCall Call { get; }

    /// <summary>Sorted slots [SlotBounds[p], SlotBounds[p+1]) are part p's slice; set by <see cref="CutSlices"/>.</summary>
    internal int[] SlotBounds { get; }

    /// <summary>Gradient scratch of parts 1..P−1 (grow-only): part p uses row p−1 (see <see cref="SplitCall"/>).</summary>
    internal float[] GradientScratch { get; private set; } = [];

    /// <summary>Part p's (w_0, I+H) scratch for the transposed joined-kernel gradient (see
    /// <see cref="RnnGemms.WeightGradients"/>); empty until <see cref="EnsureTransposedKernelScratch"/>, and for cells
    /// whose kernel gradient is not transposed.</summary>
    internal RowBuffer TransposedKernelScratch(int part) => _kernelScratch[part];

    private RowBuffer[] _kernelScratch = [];

    /// <summary>Makes <see cref="TransposedKernelScratch"/> hold a (w_0, I+H) buffer for every part when
    /// <see cref="RnnGemms.TransposesKernelGradient"/>, an empty one otherwise.</summary>
    internal void EnsureTransposedKernelScratch(in RnnCellSpec cell)
    {
        bool transposes = RnnGemms.TransposesKernelGradient(cell);
        int rows = transposes ? cell.GroupWidth(0) : 0, width = transposes ? cell.Inputs + cell.Units : 0;
        if (_kernelScratch.Length == Parts && _kernelScratch[0].Rows == rows && _kernelScratch[0].Width == width)
            return;
        _kernelScratch = new RowBuffer[Parts];
        for (int part = 0; part < Parts; part++)
            _kernelScratch[part] = transposes ? new RowBuffer(rows, width) : RowBuffer.Empty;
    }

    /// <summary>Runs <paramref name="stage"/> of the current call on every part.</summary>
    public void Run(SplitStage stage)
    {
        Call.Stage = stage;
        _compute.Run(Call);
    }

    /// <summary>Cuts the sorted batch of <paramref name="ws"/> (planned) into slices of equal Σ lengths, each slice's
    /// rows one block of the packed buffers (<see cref="RnnWorkspace.LayOutSlices"/>).</summary>
    internal void CutSlices(RnnWorkspace ws)
    {
        int parts = Parts, slot = 0;
        long rows = 0, total = ws.PackedRows;
        SlotBounds[0] = 0;
        for (int p = 1; p < parts; p++)
        {
            long target = total * p / parts;
            while (slot < ws.Batch && rows + ws.SortedLengths[slot] / 2 < target)
                rows += ws.SortedLengths[slot++];
            SlotBounds[p] = slot;
        }
        SlotBounds[parts] = ws.Batch;
        ws.LayOutSlices(SlotBounds);
    }

    /// <summary>Rows [r0, r1) of <paramref name="rows"/> for part p: even shares.</summary>
    internal (int Start, int End) RowShare(int rows, int part) =>
        ((int)((long)rows * part / Parts), (int)((long)rows * (part + 1) / Parts));

    /// <summary>Makes <see cref="GradientScratch"/> hold <see cref="Parts"/> − 1 rows of the cell's gradients.</summary>
    internal void EnsureGradientScratch(in RnnCellSpec cell)
    {
        int length = (Parts - 1) * SplitCall.GradientLength(cell);
        if (GradientScratch.Length < length) GradientScratch = new float[length];
    }
}

/// <summary>What a <see cref="BatchSplit"/> runs on every part.</summary>
internal enum SplitStage
{
    /// <summary>Each slice's inputs and initial states packed (when the input projection needs them before the time loop).</summary>
    PackSlices,
    /// <summary>The GRU candidate's all-step input projection X·Wx_c, rows cut into shares.</summary>
    InputProjection,
    /// <summary>The forward time loop of each slice.</summary>
    ForwardSteps,
    /// <summary>The backward time loop of each slice (bias gradients per part).</summary>
    BackwardSteps,
    /// <summary>The joined kernel gradient [X|H]ᵀ·dPre over each part's share of the packed rows (their k).</summary>
    WeightGradients,
    /// <summary>DX = dPre·Wxᵀ, rows cut into shares.</summary>
    InputGradient,
}
