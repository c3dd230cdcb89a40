using RnnNative.Blas;

namespace RnnNative.Kernels;

/// <summary>
/// Scratch memory of the fused RNN kernels for one (cell, B, T) shape: allocated once, reused by every
/// <c>FusedRnn.Forward</c> / <c>FusedRnn.Backward</c> call, and holding what backward needs.
/// </summary>
/// <remarks>
/// Layout: the batch is sorted by length, descending (a stable permutation computed per call), and activations
/// are stored packed and time-major like PyTorch's packed sequences: step t holds the B_t examples still running
/// (a prefix of the sorted batch), in B_t consecutive rows of every packed buffer after those of steps 0..t−1.
/// N = Σ lengths rows in all; nothing is stored or computed for finished examples. With the batch cut into slices
/// for threads, each slice is packed so into a block of its own (<see cref="LayOutSlices"/>); <see cref="PackedRow"/>
/// is the map.
/// <code>
/// X      (N, I)  inputs             Pre  (N, W)  x·Wx + h·Wh, then the activations backward needs
/// XH     (N, I+H) = [X | HPrev]: one row holds x_t and h_{t-1} side by side (X's row ends where HPrev's starts)
/// DX     (N, I)  input gradient
/// HPrev  (N, H)  h_{t-1}            DPre (N, W)  gradient w.r.t. the pre-activations
/// LSTM: CPrev (N, H) c_{t-1}, TanhC (N, H) tanh(c_t);  GRU: RH (N, H) r_t·h_{t-1}
/// DH (B, H) gradient flowing into h of the current step (sorted rows); DC (LSTM) / DRH (GRU) likewise.
/// </code>
/// A workspace is not thread-safe: one forward/backward pair at a time.
/// </remarks>
public sealed partial class RnnWorkspace
{
    /// <summary>Allocates the scratch memory for <paramref name="batch"/> sequences of up to <paramref name="steps"/> steps.</summary>
    public RnnWorkspace(RnnCellSpec cell, int batch, int steps)
    {
        if (cell.Units <= 0)
            throw new ArgumentException("The cell spec is uninitialised (0 units).", nameof(cell));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        long rows = (long)batch * steps;
        int widest = Math.Max(cell.PreWidth, cell.Inputs);
        if (rows * widest > Array.MaxLength)
            throw new ArgumentException($"B·T = {rows} rows of {widest} floats do not fit in one buffer.");
        Cell = cell;
        Batch = batch;
        Steps = steps;
        int n = (int)rows, h = cell.Units;
        Order = new int[batch];
        SortedLengths = new int[batch];
        Active = new int[steps + 1];
        lengthSlots = new int[steps + 1];
        bool lstm = cell.Kind == RnnCellKind.Lstm, gru = cell.Kind == RnnCellKind.Gru;
        XH = RowBuffer.SideBySide(n, cell.Inputs, h, out X, out HPrev);
        DX = new RowBuffer(n, cell.Inputs);
        Pre = new RowBuffer(n, cell.PreWidth);
        DPre = new RowBuffer(n, cell.PreWidth);
        CPrev = lstm ? new RowBuffer(n, h) : RowBuffer.Empty;
        TanhC = lstm ? new RowBuffer(n, h) : RowBuffer.Empty;
        RH = gru ? new RowBuffer(n, h) : RowBuffer.Empty;
        DH = new RowBuffer(batch, h);
        DC = lstm ? new RowBuffer(batch, h) : RowBuffer.Empty;
        DRH = gru ? new RowBuffer(batch, h) : RowBuffer.Empty;
        zeros = new RowBuffer(1, h);
        recurrentTransposed = new RowBuffer(cell.PreWidth, h);
        paddedKernel = RnnGemms.PadsJoinedGroup(cell) && RnnGemms.Padded(cell.PreWidth) != cell.PreWidth
            ? new RowBuffer(cell.Inputs + h, cell.PreWidth) : RowBuffer.Empty;
    }

    /// <summary>The cell this workspace is shaped for.</summary>
    public RnnCellSpec Cell { get; }
    /// <summary>B: sequences per call.</summary>
    public int Batch { get; }
    /// <summary>T: steps per sequence (the padded length).</summary>
    public int Steps { get; }

    /// <summary>Bytes of scratch memory held.</summary>
    public long Bytes => 4L * (XH.Capacity + DX.Capacity + Pre.Capacity + DPre.Capacity + CPrev.Capacity
        + TanhC.Capacity + RH.Capacity + DH.Capacity + DC.Capacity + DRH.Capacity + zeros.Capacity)
        + 4L * (paddedKernel.Capacity + recurrentTransposed.Capacity + Order.Length + SortedLengths.Length + Active.Length + lengthSlots.Length
            + sliceStepBase.Length + slotSlice.Length + sliceRowBounds.Length)
        + 2L * (bf16Shadows?.Capacity ?? 0);

    // ---- the plan of the current call (see Plan) ----
    internal readonly int[] Order;          // sorted slot → caller's example index
    internal readonly int[] SortedLengths;  // length of each sorted slot, descending
    internal readonly int[] Active;         // B_t: examples still running at step t; Active[T] = 0
    private readonly int[] lengthSlots;     // counting-sort scratch, indexed by length
    internal int PackedRows { get; private set; }   // N = Σ B_t
    internal int MaxLength => SortedLengths[0];
    internal bool TimeMajor { get; private set; }
    internal bool HasForward { get; set; }
    internal bool ZeroInitialState { get; set; }       // h0 was empty: h_{-1}·Wh = 0 needs no GEMM at step 0
    internal bool SkipsInitialGradient { get; set; }   // dH0 is not wanted: dh_{-1} = dPre_0·Whᵀ needs no GEMM

    // ---- buffers (shapes in the class remarks) ----
    internal readonly RowBuffer X, DX, Pre, DPre, HPrev, CPrev, TanhC, RH, DH, DC, DRH;   // rows 64-byte aligned but X's
    internal readonly RowBuffer XH;   // (N, I+H): [x_t | h_{t-1}] per row, X and HPrev side by side (the GEMM operand of [Wx; Wh])
    private readonly RowBuffer zeros;
    // (W, H): Wh_gᵀ of every group g in its rows GroupColumn(g) .. +w_g, so that backward's dh = dPre·Whᵀ is an NN
    // GEMM: BLAS kernels run NT products of these shapes slower than NN (docs/performance.md).
    private readonly RowBuffer recurrentTransposed;
    private readonly RowBuffer paddedKernel;

    /// <summary>The float32 joined kernel (I+H, W) with its row padding zero (stride ≥ <see cref="RnnGemms.Padded"/>(W)),
    /// valid when <see cref="HasPaddedKernel"/>.</summary>
    internal RowBuffer PaddedKernel => paddedKernel;

    /// <summary>Whether this forward's float32 joined GEMM reads <see cref="PaddedKernel"/> (set per forward call).</summary>
    internal bool HasPaddedKernel { get; private set; }

    /// <summary>Once per forward call, after <see cref="PlanBf16"/>: rounds the joined kernel into the shadows' padded
    /// copy when the GEMMs run in bfloat16, else copies it into <see cref="PaddedKernel"/> when the float32 GEMM pads.</summary>
    internal void PadKernel(in RnnWeights weights)
    {
        Bf16?.RefreshKernel(weights.GroupKernel(0));
        HasPaddedKernel = Bf16 == null && paddedKernel.Rows > 0;
        if (!HasPaddedKernel) return;
        var kernel = weights.GroupKernel(0);
        for (int row = 0; row < paddedKernel.Rows; row++)
            kernel.Slice(row * paddedKernel.Width, paddedKernel.Width).CopyTo(paddedKernel.Row(row));
    }

    /// <summary>Whether the transposed copy holds the current weights (set per backward call).</summary>
    internal bool HasTransposedRecurrent { get; private set; }

    private Bf16Shadows? bf16Shadows;   // allocated by the first bfloat16 forward, kept after
    private bool bf16Active;

    /// <summary>
    /// bfloat16 copies of XH and DPre, filled as the floats are written, when the last forward ran its GEMMs in
    /// bfloat16 (<see cref="PlanBf16"/>); null otherwise. The GEMMs then read them instead of rounding XH and DPre
    /// again on every call.
    /// </summary>
    internal Bf16Shadows? Bf16 => bf16Active ? bf16Shadows : null;

    /// <summary>False makes every call run without <see cref="Bf16"/> (the GEMMs round their operands): for tests.</summary>
    internal bool UsesBf16Shadows { get; set; } = true;

    /// <summary>Turns the shadows on for this forward (and its backward) when <paramref name="blas"/> runs bfloat16 GEMMs.</summary>
    internal void PlanBf16(BlasBackend blas)
    {
        bf16Active = UsesBf16Shadows && blas.RoundsOperandsToBf16;
        if (bf16Active && bf16Shadows == null)
            bf16Shadows = new Bf16Shadows(Cell, XH.Rows, DPre.Width);
    }
    internal Span<float> ZeroRow => zeros.Row(0);   // (H) zeros: stands in for an absent initial state or output gradient

    /// <summary>Wh_gᵀ: (w_g, H), valid after <see cref="TransposeRecurrentWeights"/>.</summary>
    internal ReadOnlySpan<float> TransposedRecurrentWeights(int group) => recurrentTransposed.From(Cell.GroupColumn(group));

    /// <summary>The transposed copy's row stride (≥ H; its row padding stays zero) and room (see <see cref="RowBuffer.Room"/>).</summary>
    internal int TransposedRecurrentStride => recurrentTransposed.Stride;

    /// <summary>Copies Wh_gᵀ of every group into the transposed copy, or forgets it when <paramref name="use"/> is false.</summary>
    internal void TransposeRecurrentWeights(in RnnWeights weights, bool use)
    {
        HasTransposedRecurrent = use;
        if (!use) return;
        for (int g = 0; g < Cell.GroupCount; g++)
        {
            var source = weights.RecurrentWeights(Cell, g);   // (H, w_g)
            TransposedRows.AddTo(source, Cell.Units, Cell.GroupWidth(g), Cell.GroupWidth(g),
                recurrentTransposed.From(Cell.GroupColumn(g)), recurrentTransposed.Stride, 0f);
        }
    }

    /// <summary>Sorts the batch by length (stable, descending) and lays out the packed rows. Lengths must be valid.</summary>
    internal void Plan(ReadOnlySpan<int> lengths, bool timeMajor)
    {
        TimeMajor = timeMajor;
        Array.Clear(lengthSlots);
        for (int e = 0; e < Batch; e++)
            lengthSlots[LengthOf(lengths, e)]++;
        for (int length = Steps, next = 0; length >= 0; length--)   // counts → first slot of each length
            (lengthSlots[length], next) = (next, next + lengthSlots[length]);
        for (int e = 0; e < Batch; e++)
        {
            int length = LengthOf(lengths, e), slot = lengthSlots[length]++;
            Order[slot] = e;
            SortedLengths[slot] = length;
        }
        PackedRows = 0;
        for (int t = 0, running = Batch; t <= Steps; t++)
        {
            while (running > 0 && SortedLengths[running - 1] <= t)
                running--;
            Active[t] = running;
            PackedRows += running;
        }
        LayOutSlices([0, Batch]);
    }

    private int LengthOf(ReadOnlySpan<int> lengths, int example) => lengths.IsEmpty ? Steps : lengths[example];


    /// <summary>Offset of (example, step) in a caller's (B, T, width) or, time-major, (T, B, width) buffer.</summary>
    internal int SequenceOffset(int example, int t, int width) =>
        (TimeMajor ? t * Batch + example : example * Steps + t) * width;

    /// <summary>
    /// Where step t stores the new state of slot b: the packed "previous state" row of step t+1 when the
    /// example continues, otherwise (its last valid step) the caller's final-state row.
    /// </summary>
    internal Span<float> NextStateRow(RowBuffer packedPrevious, Span<float> finalState, int t, int slot)
    {
        int h = Cell.Units;
        return slot < Active[t + 1]
            ? packedPrevious.Row(PackedRow(t + 1, slot))
            : finalState.Slice(Order[slot] * h, h);
    }

    /// <summary>The bfloat16 shadow of the h_t that <see cref="NextStateRow"/> gives for the packed rows (the H columns
    /// after x_{t+1} in <see cref="Bf16Shadows.XH"/>); empty without shadows or when h_t is a final state.</summary>
    internal Span<ushort> NextStateBits(int t, int slot) =>
        Bf16 is { } bits && slot < Active[t + 1]
            ? bits.XH.Row(PackedRow(t + 1, slot)).Slice(Cell.Inputs, Cell.Units)
            : default;

    /// <summary>The bfloat16 shadow of row (t, b) of DPre's first <paramref name="width"/> columns; empty without shadows.</summary>
    internal Span<ushort> DPreBits(int t, int slot, int width) =>
        Bf16 is { } bits ? bits.DPre.Row(PackedRow(t, slot))[..width] : default;

    // ---- rows of the buffers, for sorted slot b at step t ----
    internal Span<float> PreRow(int t, int slot) => Pre.Row(PackedRow(t, slot));
    internal Span<float> DPreRow(int t, int slot) => DPre.Row(PackedRow(t, slot));

    /// <summary>Row (t, b) of a packed (N, H) buffer: HPrev, CPrev, TanhC or RH.</summary>
    internal Span<float> UnitRow(RowBuffer packed, int t, int slot) => packed.Row(PackedRow(t, slot));

    /// <summary>Row b of a (B, H) buffer of sorted slots: DH, DC or DRH.</summary>
    internal Span<float> BatchRow(RowBuffer buffer, int slot) => buffer.Row(slot);

    /// <summary>
    /// The caller's output row of slot b at step t; when no outputs are wanted, <paramref name="stateRow"/> (the
    /// row the same h goes to anyway: written twice, no shared scratch that threads running slices would contend on).
    /// </summary>
    internal Span<float> OutputRow(Span<float> outputs, int t, int slot, Span<float> stateRow) =>
        outputs.IsEmpty ? stateRow : outputs.Slice(SequenceOffset(Order[slot], t, Cell.Units), Cell.Units);

    /// <summary>The caller's output-gradient row of slot b at step t; zeros when no output gradient was given.</summary>
    internal ReadOnlySpan<float> GradientRow(ReadOnlySpan<float> dOutputs, int t, int slot) =>
        dOutputs.IsEmpty ? ZeroRow : dOutputs.Slice(SequenceOffset(Order[slot], t, Cell.Units), Cell.Units);
}
