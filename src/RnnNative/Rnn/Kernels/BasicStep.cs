using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RnnNative.Blas;

namespace RnnNative.Kernels;

/// <summary>One time step of TF's <c>BasicRNNCell</c> over rows [r0, r1) of the sorted batch.</summary>
/// <remarks>Forward: h_t = act(x_t·Wx + h_{t-1}·Wh + b). Backward: dPre = (dy_t + dh_t)·act'(h_t);
/// db += dPre; dh_{t-1} = dPre·Whᵀ.
/// <para>The steps are kept out of <see cref="FusedRnn"/>'s dispatch (<c>NoInlining</c>): inlined there beside every other
/// cell's, they exhaust the JIT's inlining budget and the row kernels' tail operators become calls.</para></remarks>
internal static class BasicStep
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ForwardStep<TAct>(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights, int t, int r0, int r1,
        Span<float> outputs, Span<float> finalH) where TAct : IActivation
    {
        RnnGemms.RecurrentForward(blas, ws, weights, 0, t, r0, r1, stateRounded: t > 0);
        for (int b = r0; b < r1; b++)
        {
            // With a bfloat16 shadow of h_t, no one reads its float copy in XH: the next GEMM and the kernel
            // gradient read the shadow, backward reads h_t from Pre. A final state is always written in float.
            var nextBits = ws.NextStateBits(t, b);
            var next = nextBits.IsEmpty ? ws.NextStateRow(ws.HPrev, finalH, t, b) : default;
            var output = ws.OutputRow(outputs, t, b, stateRow: default);   // none when no outputs are wanted
            var row = new BasicForwardRow<TAct>(ws.PreRow(t, b), weights.Bias, next, output, nextBits);
            RowLoop.Run(ref row, ws.Cell.Units);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void BackwardStep<TAct>(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights, int t, int r0, int r1,
        ReadOnlySpan<float> dOutputs, Span<float> dBias) where TAct : IActivation
    {
        for (int b = r0; b < r1; b++)
        {
            // With a bfloat16 shadow of dPre, every GEMM reads the shadow: dPre's float copy is not written.
            var dPreBits = ws.DPreBits(t, b, ws.Cell.Units);
            var row = new BasicBackwardRow<TAct>(ws.PreRow(t, b), ws.GradientRow(dOutputs, t, b), ws.BatchRow(ws.DH, b),
                dPreBits.IsEmpty ? ws.DPreRow(t, b) : default, dBias, dPreBits);
            RowLoop.Run(ref row, ws.Cell.Units);
        }
        RnnGemms.RecurrentBackward(blas, ws, weights, 0, t, r0, r1, ws.DH, 0f, dPreRounded: true);
    }
}

/// <summary>gates := h = act(gates + bias); next := h, output := h and nextBits := bfloat16(h), each when given. All rows (H).</summary>
internal ref struct BasicForwardRow<TAct> : IRowKernel where TAct : IActivation
{
    private readonly ref float gates, bias;
    private readonly ref float next, output;   // null refs: not wanted
    private readonly ref ushort nextBits;   // null ref: no bfloat16 shadow

    public BasicForwardRow(Span<float> gates, ReadOnlySpan<float> bias, Span<float> next, Span<float> output,
        Span<ushort> nextBits = default)
    {
        int h = gates.Length;
        this.gates = ref RowLoop.Ref(gates, h);
        this.bias = ref RowLoop.Ref(bias, h);
        this.next = ref RowLoop.RefOrNull(next, h);
        this.output = ref RowLoop.RefOrNull(output, h);
        this.nextBits = ref RowLoop.RefOrNull(nextBits, h);
    }

    public readonly void Chunk<TChunk, TV>(TChunk c, int j) where TChunk : struct, IChunk<TV> where TV : struct, IFloatVector<TV>
    {
        var h = TAct.Apply(c.Load(ref gates, j) + c.Load(ref bias, j));
        c.Store(ref gates, j, h);
        if (!Unsafe.IsNullRef(ref next))
            c.Store(ref next, j, h);
        if (!Unsafe.IsNullRef(ref output))
            c.Store(ref output, j, h);
        if (!Unsafe.IsNullRef(ref nextBits))
            c.StoreBf16(ref nextBits, j, h);
    }
}

/// <summary>dPre = (dOut + dH)·act'(h); dBias += dPre, where h is the saved activation; the float dPre and
/// dPreBits := bfloat16(dPre), each when given. All rows (H).</summary>
internal ref struct BasicBackwardRow<TAct> : IRowKernel where TAct : IActivation
{
    private readonly ref float h, dOut, dH, dBias;
    private readonly ref float dPre;   // null ref: not wanted
    private readonly ref ushort dPreBits;   // null ref: no bfloat16 shadow

    public BasicBackwardRow(ReadOnlySpan<float> h, ReadOnlySpan<float> dOut, ReadOnlySpan<float> dH,
        Span<float> dPre, Span<float> dBias, Span<ushort> dPreBits = default)
    {
        int width = h.Length;
        this.h = ref RowLoop.Ref(h, width);
        this.dOut = ref RowLoop.Ref(dOut, width);
        this.dH = ref RowLoop.Ref(dH, width);
        this.dPre = ref RowLoop.RefOrNull(dPre, width);
        this.dBias = ref RowLoop.Ref(dBias, width);
        this.dPreBits = ref RowLoop.RefOrNull(dPreBits, width);
    }

    public readonly void Chunk<TChunk, TV>(TChunk c, int j) where TChunk : struct, IChunk<TV> where TV : struct, IFloatVector<TV>
    {
        TV d = (c.Load(ref dOut, j) + c.Load(ref dH, j)) * TAct.Derivative(c.Load(ref h, j));
        if (!Unsafe.IsNullRef(ref dPre))
            c.Store(ref dPre, j, d);
        c.Store(ref dBias, j, c.Load(ref dBias, j) + d);
        if (!Unsafe.IsNullRef(ref dPreBits))
            c.StoreBf16(ref dPreBits, j, d);
    }
}
