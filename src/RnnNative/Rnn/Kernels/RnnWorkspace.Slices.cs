namespace RnnNative.Kernels;

// Where each (step, slot) lives in the packed buffers when the sorted batch is cut into slices (BatchSplit).
public sealed partial class RnnWorkspace
{
    // Slice-major packing: slice p = sorted slots [bounds[p], bounds[p+1]) owns one contiguous block of rows, and
    // inside it its slots are packed time-major as the whole batch is with one slice (step t: its B_t,p running
    // slots). A thread running a slice then reads and writes only rows of its own block (its kernel-gradient
    // share is that block), like a process with a batch of its own, instead of half of every step's rows.
    // row(t, slot) = sliceStepBase[(T+1)·slice(slot) + t] + slot.
    private int[] sliceStepBase = [];
    private int[] slotSlice = [];
    private int[] sliceRowBounds = [0, 0];   // slice p's block: packed rows [sliceRowBounds[p], sliceRowBounds[p+1])

    /// <summary>Packed row of sorted slot b at step t (b &lt; B_t).</summary>
    internal int PackedRow(int t, int slot) => sliceStepBase[(Steps + 1) * slotSlice[slot] + t] + slot;

    /// <summary>
    /// Lays the packed rows out slice by slice for the cut <paramref name="bounds"/> (ascending slot bounds from 0 to
    /// B; after <see cref="Plan"/>, before anything is packed). One slice [0, B) is plain time-major packing.
    /// </summary>
    internal void LayOutSlices(ReadOnlySpan<int> bounds)
    {
        int slices = bounds.Length - 1, stride = Steps + 1;
        if (sliceStepBase.Length < slices * stride) sliceStepBase = new int[slices * stride];
        if (slotSlice.Length < Batch) slotSlice = new int[Batch];
        if (sliceRowBounds.Length < slices + 1) sliceRowBounds = new int[slices + 1];   // grow-only: [0] stays 0
        int row = 0;
        for (int p = 0; p < slices; p++)
        {
            int first = bounds[p], end = bounds[p + 1];
            for (int t = 0; t <= Steps; t++)
            {
                sliceStepBase[p * stride + t] = row - first;
                row += Math.Clamp(Active[t] - first, 0, end - first);   // slots of the slice still running at t
            }
            slotSlice.AsSpan(first, end - first).Fill(p);
            sliceRowBounds[p + 1] = row;
        }
    }

    /// <summary>The packed rows of slice p of the last <see cref="LayOutSlices"/>: [Start, End).</summary>
    internal (int Start, int End) SliceRows(int slice) => (sliceRowBounds[slice], sliceRowBounds[slice + 1]);
}
