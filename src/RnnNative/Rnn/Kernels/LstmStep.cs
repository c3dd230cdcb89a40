using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RnnNative.Blas;
using static RnnNative.Kernels.VectorMath;

namespace RnnNative.Kernels;

/// <summary>One time step of TF's <c>BasicLSTMCell</c> over rows [r0, r1) of the sorted batch.</summary>
/// <remarks>
/// Forward: [i, j, f, o] = x·Wx + h·Wh + b; c' = c·σ(f + forget_bias) + σ(i)·tanh(j); h' = tanh(c')·σ(o).
/// Backward, with dh = dy + dh_rec: dc = dc_rec + dh·σ(o)·(1 − tanh²c'); dPre_i = dc·tanh(j)·σ'(i);
/// dPre_j = dc·σ(i)·tanh'(j); dPre_f = dc·c·σ'(f); dPre_o = dh·tanh(c')·σ'(o); dc_prev = dc·σ(f);
/// dh_prev = dPre·Whᵀ.
/// </remarks>
internal static class LstmStep
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardStep(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights, int t, int r0, int r1,
        Span<float> outputs, Span<float> finalH, Span<float> finalC)
    {
        RnnGemms.RecurrentForward(blas, ws, weights, 0, t, r0, r1);
        int units = ws.Cell.Units;
        for (int b = r0; b < r1; b++)
        {
            var gates = new LstmGatesRow(ws.PreRow(t, b), weights.Bias, ws.Cell.ForgetBias);
            RowLoop.Run(ref gates, units);
            var hNext = ws.NextStateRow(ws.HPrev, finalH, t, b);
            var state = new LstmStateRow(ws.PreRow(t, b), ws.UnitRow(ws.CPrev, t, b), ws.UnitRow(ws.TanhC, t, b),
                ws.NextStateRow(ws.CPrev, finalC, t, b), hNext, ws.OutputRow(outputs, t, b, hNext));
            RowLoop.Run(ref state, units);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardStep(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights, int t, int r0, int r1,
        ReadOnlySpan<float> dOutputs, Span<float> dBias)
    {
        for (int b = r0; b < r1; b++)
        {
            var row = new LstmBackwardRow(ws.PreRow(t, b), ws.UnitRow(ws.CPrev, t, b), ws.UnitRow(ws.TanhC, t, b),
                ws.GradientRow(dOutputs, t, b), ws.BatchRow(ws.DH, b), ws.BatchRow(ws.DC, b), ws.DPreRow(t, b), dBias);
            RowLoop.Run(ref row, ws.Cell.Units);
        }
        RnnGemms.RecurrentBackward(blas, ws, weights, 0, t, r0, r1, ws.DH, 0f);
    }
}

/// <summary>gates (4H) := [σ(i), tanh(j), σ(f + forgetBias), σ(o)] of gates + bias.</summary>
/// <remarks>
/// A pass of its own, then <see cref="LstmStateRow"/> over the same row while it is in L1: four independent
/// activations per chunk keep the dependency chains short. Fused into one pass (gate, then c, then tanh c in
/// one chunk of ~250 instructions) the row ran slower: the long chunk serialises the activations.
/// </remarks>
internal ref struct LstmGatesRow : IRowKernel
{
    private readonly ref float gates, bias;
    private readonly int units;
    private readonly float forgetBias;

    public LstmGatesRow(Span<float> gates, ReadOnlySpan<float> bias, float forgetBias)
    {
        units = gates.Length / 4;
        this.gates = ref RowLoop.Ref(gates, 4 * units);
        this.bias = ref RowLoop.Ref(bias, 4 * units);
        this.forgetBias = forgetBias;
    }

    public readonly void Chunk<TChunk, TV>(TChunk c, int j) where TChunk : struct, IChunk<TV> where TV : struct, IFloatVector<TV>
    {
        int jj = j + units, jf = jj + units, jo = jf + units;
        c.Store(ref gates, j, Sigmoid(c.Load(ref gates, j) + c.Load(ref bias, j)));
        c.Store(ref gates, jj, Tanh(c.Load(ref gates, jj) + c.Load(ref bias, jj)));
        c.Store(ref gates, jf, Sigmoid(c.Load(ref gates, jf) + c.Load(ref bias, jf) + TV.Create(forgetBias)));
        c.Store(ref gates, jo, Sigmoid(c.Load(ref gates, jo) + c.Load(ref bias, jo)));
    }
}

/// <summary>From the activated gates: c' = f·cPrev + i·j; tanhC := tanh(c'); cNext := c'; hNext := output := o·tanh(c').</summary>
internal ref struct LstmStateRow : IRowKernel
{
    private readonly ref float gates, cPrev, tanhC, cNext, hNext, output;
    private readonly int units;

    public LstmStateRow(ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, Span<float> tanhC, Span<float> cNext,
        Span<float> hNext, Span<float> output)
    {
        units = cPrev.Length;
        this.gates = ref RowLoop.Ref(gates, 4 * units);
        this.cPrev = ref RowLoop.Ref(cPrev, units);
        this.tanhC = ref RowLoop.Ref(tanhC, units);
        this.cNext = ref RowLoop.Ref(cNext, units);
        this.hNext = ref RowLoop.Ref(hNext, units);
        this.output = ref RowLoop.Ref(output, units);
    }

    public readonly void Chunk<TChunk, TV>(TChunk c, int j) where TChunk : struct, IChunk<TV> where TV : struct, IFloatVector<TV>
    {
        var i = c.Load(ref gates, j);
        var g = c.Load(ref gates, j + units);
        var f = c.Load(ref gates, j + 2 * units);
        var o = c.Load(ref gates, j + 3 * units);
        var cell = Fma(f, c.Load(ref cPrev, j), i * g);
        var tc = Tanh(cell);
        var h = o * tc;
        c.Store(ref tanhC, j, tc);
        c.Store(ref cNext, j, cell);
        c.Store(ref hNext, j, h);
        c.Store(ref output, j, h);
    }
}

/// <summary>
/// From the saved gates (4H), cPrev and tanhC, the incoming dOut, dH and dC (H): dPre (4H) and dBias += dPre;
/// dC := the gradient w.r.t. cPrev. See <see cref="LstmStep"/> for the formulas.
/// </summary>
internal ref struct LstmBackwardRow : IRowKernel
{
    private readonly ref float gates, cPrev, tanhC, dOut, dH, dC, dPre, dBias;
    private readonly int units;

    public LstmBackwardRow(ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> tanhC,
        ReadOnlySpan<float> dOut, ReadOnlySpan<float> dH, Span<float> dC, Span<float> dPre, Span<float> dBias)
    {
        units = cPrev.Length;
        this.gates = ref RowLoop.Ref(gates, 4 * units);
        this.cPrev = ref RowLoop.Ref(cPrev, units);
        this.tanhC = ref RowLoop.Ref(tanhC, units);
        this.dOut = ref RowLoop.Ref(dOut, units);
        this.dH = ref RowLoop.Ref(dH, units);
        this.dC = ref RowLoop.Ref(dC, units);
        this.dPre = ref RowLoop.Ref(dPre, 4 * units);
        this.dBias = ref RowLoop.Ref(dBias, 4 * units);
    }

    public readonly void Chunk<TChunk, TV>(TChunk c, int j) where TChunk : struct, IChunk<TV> where TV : struct, IFloatVector<TV>
    {
        int jj = j + units, jf = jj + units, jo = jf + units;
        var i = c.Load(ref gates, j);
        var g = c.Load(ref gates, jj);
        var f = c.Load(ref gates, jf);
        var o = c.Load(ref gates, jo);
        var tc = c.Load(ref tanhC, j);
        var dh = c.Load(ref dOut, j) + c.Load(ref dH, j);
        var dCell = Fma(dh * o, TanhDerivative(tc), c.Load(ref dC, j));
        c.Store(ref dC, j, dCell * f);
        StoreGate<TChunk, TV>(c, j, dCell * g * SigmoidDerivative(i));
        StoreGate<TChunk, TV>(c, jj, dCell * i * TanhDerivative(g));
        StoreGate<TChunk, TV>(c, jf, dCell * c.Load(ref cPrev, j) * SigmoidDerivative(f));
        StoreGate<TChunk, TV>(c, jo, dh * tc * SigmoidDerivative(o));
    }

    private readonly void StoreGate<TChunk, TV>(TChunk c, int column, TV d)
        where TChunk : struct, IChunk<TV> where TV : struct, IFloatVector<TV>
    {
        c.Store(ref dPre, column, d);
        c.Store(ref dBias, column, c.Load(ref dBias, column) + d);
    }
}
