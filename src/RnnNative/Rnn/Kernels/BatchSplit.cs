using RnnNative.Blas;

namespace RnnNative.Kernels;

/// <summary>
/// Runs the fused RNN on several threads: the length-sorted batch is cut into one slice of slots per part,
/// each slice's time loop runs on its own thread (part 0 on the caller, the others on persistent
/// <see cref="HelperThreads"/>) with a single-threaded GEMM, and the all-step GEMMs are cut by rows or columns.
/// </summary>
/// <remarks>
/// Slices are independent through the whole time loop (each row of every buffer belongs to one slot), so the
/// only shared results are the weight gradients: the bias sums of the time loop and the weight-gradient GEMMs,
/// cut along their k (the packed rows). Part 0 adds into the caller's gradients, every other part into a
/// scratch of its own that is added in at the end (so the sums' order differs from one thread's, by rounding).
/// Slices are cut to equal Σ lengths, so each part has the same number of packed rows to within one example.
/// </remarks>
internal sealed class BatchSplit : IDisposable
{
    private readonly HelperThreads _helpers;
    private bool _disposed;

    /// <summary>Starts the helper threads; every part calls <paramref name="singleThreaded"/> (not disposed here).</summary>
    public BatchSplit(BlasBackend singleThreaded, int parts)
    {
        ArgumentNullException.ThrowIfNull(singleThreaded);
        Blas = singleThreaded;
        _helpers = new HelperThreads(parts);
        Call = new SplitCall(this);
        SlotBounds = new int[parts + 1];
    }

    /// <summary>The single-threaded GEMM each part calls.</summary>
    public BlasBackend Blas { get; }

    /// <summary>Threads, including the caller's.</summary>
    public int Parts => _helpers.Parts;

    /// <summary>Ticks the caller has waited for the other parts, in all.</summary>
    public long WaitTicks => _helpers.WaitTicks;

    /// <summary>Managed bytes the helper threads have allocated, in all.</summary>
    public long HelperAllocatedBytes => _helpers.HelperAllocatedBytes;

    /// <summary>The job of the current call (one call at a time).</summary>
    internal SplitCall Call { get; }

    /// <summary>Sorted slots [SlotBounds[p], SlotBounds[p+1]) are part p's slice; set by <see cref="CutSlices"/>.</summary>
    internal int[] SlotBounds { get; }

    /// <summary>Gradient scratch of parts 1..P−1 (grow-only): part p uses row p−1 (see <see cref="SplitCall"/>).</summary>
    internal float[] GradientScratch { get; private set; } = [];

    /// <summary>Runs <paramref name="stage"/> of the current call on every part.</summary>
    public void Run(SplitStage stage)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Call.Stage = stage;
        _helpers.Run(Call);
    }

    /// <summary>Cuts the sorted batch of <paramref name="ws"/> (planned) into slices of equal Σ lengths.</summary>
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

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _helpers.Dispose();
        GC.SuppressFinalize(this);
    }

    // A session that is never disposed still stops its helper threads once it is collected.
    ~BatchSplit() => _helpers.Dispose();
}

/// <summary>What a <see cref="BatchSplit"/> runs on every part.</summary>
internal enum SplitStage
{
    /// <summary>Each slice's inputs and initial states packed (when the input projection needs them before the time loop).</summary>
    PackSlices,
    /// <summary>Pre = X·Wx, rows cut into shares.</summary>
    InputProjection,
    /// <summary>The forward time loop of each slice.</summary>
    ForwardSteps,
    /// <summary>The backward time loop of each slice (bias gradients per part).</summary>
    BackwardSteps,
    /// <summary>dWx, dWh, columns cut into shares.</summary>
    WeightGradients,
    /// <summary>DX = dPre·Wxᵀ, rows cut into shares.</summary>
    InputGradient,
}
