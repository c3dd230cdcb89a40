using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnNative.Kernels;

/// <summary>
/// Moves rows between the caller's buffers — (B, T, width) or (T, B, width), examples in the caller's order —
/// and the workspace's packed, length-sorted buffers (see <see cref="RnnWorkspace"/>).
/// </summary>
internal static class PackedSequences
{
    /// <summary>
    /// ws.X (N, I) ← x, valid steps only, for sorted slots [slot0, slot1); also rounded into the first I columns of
    /// the bfloat16 shadow of XH when the workspace keeps one. When nothing reads the float copy (a shadow and no
    /// input projection: every GEMM reads the shadow), x is rounded straight into the shadow instead.
    /// </summary>
    public static void GatherInputs(RnnWorkspace ws, ReadOnlySpan<float> x, int slot0, int slot1)
    {
        int inputs = ws.Cell.Inputs;
        if (ws.Bf16 is { } shadow && !RnnGemms.HasInputProjection(ws.Cell))
        {
            for (int t = 0; t < ws.MaxLength && ws.Active[t] > slot0; t++)
                for (int b = slot0; b < Math.Min(slot1, ws.Active[t]); b++)
                    BFloat16.FromFloats(x.Slice(ws.SequenceOffset(ws.Order[b], t, inputs), inputs),
                        shadow.XH.Row(ws.PackedRow(t, b))[..inputs]);
            return;
        }
        for (int t = 0; t < ws.MaxLength && ws.Active[t] > slot0; t++)
        {
            int end = Math.Min(slot1, ws.Active[t]);
            for (int b = slot0; b < end; b++)
                CopyRow(x.Slice(ws.SequenceOffset(ws.Order[b], t, inputs), inputs), ws.X.Row(ws.PackedRow(t, b)));
            if (ws.Bf16 is { } bits && end > slot0)   // a step's rows of one slice are consecutive (as JoinedForward reads them)
                bits.XH.Round(ws.XH, ws.PackedRow(t, slot0), ws.PackedRow(t, slot0) + end - slot0, 0, inputs);
        }
    }

    // destination[..n] = source (n = source.Length): an input row is a few vectors wide, where Span.CopyTo's memmove
    // call costs more than the copy. The last vector overlaps the one before it, which rewrites the same values.
    private static void CopyRow(ReadOnlySpan<float> source, Span<float> destination)
    {
        int n = source.Length;
        if (!Vector512.IsHardwareAccelerated || n < Vector512<float>.Count || destination.Length < n
            || source.Overlaps(destination))
        {
            source.CopyTo(destination);
            return;
        }
        ref float from = ref MemoryMarshal.GetReference(source);
        ref float to = ref MemoryMarshal.GetReference(destination);
        int last = n - Vector512<float>.Count;
        for (int i = 0; i < last; i += Vector512<float>.Count)
            Vector512.LoadUnsafe(ref from, (nuint)i).StoreUnsafe(ref to, (nuint)i);
        Vector512.LoadUnsafe(ref from, (nuint)last).StoreUnsafe(ref to, (nuint)last);
    }

    /// <summary>dX ← ws.DX (N, I) at valid steps, 0 at every step past an example's length.</summary>
    public static void ScatterInputGradient(RnnWorkspace ws, Span<float> dX)
    {
        int inputs = ws.Cell.Inputs;
        for (int t = 0; t < ws.MaxLength; t++)
            for (int b = 0; b < ws.Active[t]; b++)
                ws.DX.Row(ws.PackedRow(t, b))
                    .CopyTo(dX.Slice(ws.SequenceOffset(ws.Order[b], t, inputs), inputs));
        ClearPastLengths(ws, dX, inputs);
    }

    /// <summary>Zeroes the rows of every step at or past its example's length in a caller's sequence buffer (if any).</summary>
    public static void ClearPastLengths(RnnWorkspace ws, Span<float> sequences, int width)
    {
        if (sequences.IsEmpty)
            return;
        for (int slot = 0; slot < ws.Batch; slot++)
        {
            int example = ws.Order[slot], length = ws.SortedLengths[slot];
            if (!ws.TimeMajor)   // the padding of one example is contiguous
                sequences.Slice(ws.SequenceOffset(example, length, width), (ws.Steps - length) * width).Clear();
            else
                for (int t = length; t < ws.Steps; t++)
                    sequences.Slice(ws.SequenceOffset(example, t, width), width).Clear();
        }
    }

    /// <summary>
    /// Places the initial state (zeros when empty) of each example of sorted slots [slot0, slot1): in the packed
    /// "previous state" rows of step 0 when it runs, or straight into its final state when its length is 0.
    /// </summary>
    public static void LoadInitialState(RnnWorkspace ws, RowBuffer packedPrevious, ReadOnlySpan<float> initial,
        Span<float> final, int slot0, int slot1)
    {
        int units = ws.Cell.Units;
        for (int slot = slot0; slot < slot1; slot++)
        {
            int example = ws.Order[slot];
            ReadOnlySpan<float> source = initial.IsEmpty ? ws.ZeroRow : initial.Slice(example * units, units);
            source.CopyTo(slot < ws.Active[0] ? ws.UnitRow(packedPrevious, 0, slot) : final.Slice(example * units, units));
        }
    }

    /// <summary>dState (B, H) sorted ← dFinal in the caller's order (zeros when empty).</summary>
    public static void LoadFinalGradient(RnnWorkspace ws, RowBuffer dState, ReadOnlySpan<float> dFinal)
    {
        int units = ws.Cell.Units;
        for (int slot = 0; slot < ws.Batch; slot++)
        {
            var row = ws.BatchRow(dState, slot);
            if (dFinal.IsEmpty)
                row.Clear();
            else
                dFinal.Slice(ws.Order[slot] * units, units).CopyTo(row);
        }
    }

    /// <summary>dInitial in the caller's order ← dState (B, H) sorted; nothing when dInitial is empty.</summary>
    public static void StoreInitialGradient(RnnWorkspace ws, RowBuffer dState, Span<float> dInitial)
    {
        if (dInitial.IsEmpty)
            return;
        int units = ws.Cell.Units;
        for (int slot = 0; slot < ws.Batch; slot++)
            ws.BatchRow(dState, slot).CopyTo(dInitial.Slice(ws.Order[slot] * units, units));
    }
}
