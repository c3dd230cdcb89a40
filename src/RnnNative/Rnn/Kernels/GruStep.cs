using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RnnNative.Blas;
using static RnnNative.Kernels.VectorMath;

namespace RnnNative.Kernels;

/// <summary>One time step of TF's <c>GRUCell</c> over rows [r0, r1) of the sorted batch.</summary>
/// <remarks>
/// Forward: [r, u] = σ(x·Wx_g + h·Wh_g + b_g); c = tanh(x·Wx_c + (r·h)·Wh_c + b_c); h' = u·h + (1 − u)·c.
/// The candidate's recurrent GEMM needs r, so each step is GEMM, pass, GEMM, pass.
/// Backward, with dh = dy + dh_rec: dPre_c = dh·(1 − u)·(1 − c²); dPre_u = dh·(h − c)·σ'(u);
/// d(rh) = dPre_c·Wh_cᵀ; dPre_r = d(rh)·h·σ'(r); dh_prev = dh·u + d(rh)·r + [dPre_r, dPre_u]·Wh_gᵀ.
/// </remarks>
internal static class GruStep
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardStep(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights, int t, int r0, int r1,
        Span<float> outputs, Span<float> finalH)
    {
        RnnGemms.RecurrentForward(blas, ws, weights, 0, t, r0, r1);
        for (int b = r0; b < r1; b++)
        {
            var row = new GruGateRow(ws.PreRow(t, b), weights.Bias, ws.UnitRow(ws.HPrev, t, b), ws.UnitRow(ws.RH, t, b));
            RowLoop.Run(ref row, ws.Cell.Units);
        }
        RnnGemms.RecurrentForward(blas, ws, weights, 1, t, r0, r1);
        for (int b = r0; b < r1; b++)
        {
            var next = ws.NextStateRow(ws.HPrev, finalH, t, b);
            var row = new GruCandidateRow(ws.PreRow(t, b), weights.CandidateBias, ws.UnitRow(ws.HPrev, t, b),
                next, ws.OutputRow(outputs, t, b, next));
            RowLoop.Run(ref row, ws.Cell.Units);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardStep(BlasBackend blas, RnnWorkspace ws, in RnnWeights weights, int t, int r0, int r1,
        ReadOnlySpan<float> dOutputs, Span<float> dBias, Span<float> dCandidateBias)
    {
        for (int b = r0; b < r1; b++)
        {
            var row = new GruCandidateBackwardRow(ws.PreRow(t, b), ws.UnitRow(ws.HPrev, t, b),
                ws.GradientRow(dOutputs, t, b), ws.BatchRow(ws.DH, b), ws.DPreRow(t, b), dBias, dCandidateBias);
            RowLoop.Run(ref row, ws.Cell.Units);
        }
        RnnGemms.RecurrentBackward(blas, ws, weights, 1, t, r0, r1, ws.DRH, 0f);
        for (int b = r0; b < r1; b++)
        {
            var row = new GruGateBackwardRow(ws.PreRow(t, b), ws.UnitRow(ws.HPrev, t, b), ws.BatchRow(ws.DRH, b),
                ws.BatchRow(ws.DH, b), ws.DPreRow(t, b), dBias);
            RowLoop.Run(ref row, ws.Cell.Units);
        }
        RnnGemms.RecurrentBackward(blas, ws, weights, 0, t, r0, r1, ws.DH, 1f);
    }
}

/// <summary>gates[0, 2H) := [r, u] = σ(gates + bias); rh := r·hPrev.</summary>
internal ref struct GruGateRow : IRowKernel
{
    public static bool UsesMaskedTail => false;   // see IRowKernel.UsesMaskedTail

    private readonly ref float gates, bias, hPrev, rh;
    private readonly int units;

    public GruGateRow(Span<float> gates, ReadOnlySpan<float> bias, ReadOnlySpan<float> hPrev, Span<float> rh)
    {
        units = hPrev.Length;
        this.gates = ref RowLoop.Ref(gates, 2 * units);
        this.bias = ref RowLoop.Ref(bias, 2 * units);
        this.hPrev = ref RowLoop.Ref(hPrev, units);
        this.rh = ref RowLoop.Ref(rh, units);
    }

    public readonly void Chunk<TChunk, TV>(TChunk c, int j) where TChunk : struct, IChunk<TV> where TV : struct, IFloatVector<TV>
    {
        var r = Sigmoid(c.Load(ref gates, j) + c.Load(ref bias, j));
        var u = Sigmoid(c.Load(ref gates, j + units) + c.Load(ref bias, j + units));
        c.Store(ref gates, j, r);
        c.Store(ref gates, j + units, u);
        c.Store(ref rh, j, r * c.Load(ref hPrev, j));
    }
}

/// <summary>gates[2H, 3H) := c = tanh(gates + candidateBias); hNext := output := u·hPrev + (1 − u)·c.</summary>
internal ref struct GruCandidateRow : IRowKernel
{
    public static bool UsesMaskedTail => false;   // see IRowKernel.UsesMaskedTail

    private readonly ref float gates, bias, hPrev, hNext, output;
    private readonly int units;

    public GruCandidateRow(Span<float> gates, ReadOnlySpan<float> candidateBias, ReadOnlySpan<float> hPrev,
        Span<float> hNext, Span<float> output)
    {
        units = hPrev.Length;
        this.gates = ref RowLoop.Ref(gates, 3 * units);
        this.bias = ref RowLoop.Ref(candidateBias, units);
        this.hPrev = ref RowLoop.Ref(hPrev, units);
        this.hNext = ref RowLoop.Ref(hNext, units);
        this.output = ref RowLoop.Ref(output, units);
    }

    public readonly void Chunk<TChunk, TV>(TChunk c, int j) where TChunk : struct, IChunk<TV> where TV : struct, IFloatVector<TV>
    {
        var candidate = Tanh(c.Load(ref gates, j + 2 * units) + c.Load(ref bias, j));
        var u = c.Load(ref gates, j + units);
        var h = Fma(u, c.Load(ref hPrev, j) - candidate, candidate);
        c.Store(ref gates, j + 2 * units, candidate);
        c.Store(ref hNext, j, h);
        c.Store(ref output, j, h);
    }
}

/// <summary>dh = dOut + dH: dPre_c, dPre_u (stored, added to the biases); dH := dh·u (the direct path to hPrev).</summary>
internal ref struct GruCandidateBackwardRow : IRowKernel
{
    public static bool UsesMaskedTail => false;   // see IRowKernel.UsesMaskedTail

    private readonly ref float gates, hPrev, dOut, dH, dPre, dBias, dCandidateBias;
    private readonly int units;

    public GruCandidateBackwardRow(ReadOnlySpan<float> gates, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> dOut,
        Span<float> dH, Span<float> dPre, Span<float> dBias, Span<float> dCandidateBias)
    {
        units = hPrev.Length;
        this.gates = ref RowLoop.Ref(gates, 3 * units);
        this.hPrev = ref RowLoop.Ref(hPrev, units);
        this.dOut = ref RowLoop.Ref(dOut, units);
        this.dH = ref RowLoop.Ref(dH, units);
        this.dPre = ref RowLoop.Ref(dPre, 3 * units);
        this.dBias = ref RowLoop.Ref(dBias, 2 * units);
        this.dCandidateBias = ref RowLoop.Ref(dCandidateBias, units);
    }

    public readonly void Chunk<TChunk, TV>(TChunk c, int j) where TChunk : struct, IChunk<TV> where TV : struct, IFloatVector<TV>
    {
        int ju = j + units, jc = ju + units;
        var u = c.Load(ref gates, ju);
        var candidate = c.Load(ref gates, jc);
        var dh = c.Load(ref dOut, j) + c.Load(ref dH, j);
        var dPreC = (dh - dh * u) * TanhDerivative(candidate);
        var dPreU = dh * (c.Load(ref hPrev, j) - candidate) * SigmoidDerivative(u);
        c.Store(ref dH, j, dh * u);
        c.Store(ref dPre, jc, dPreC);
        c.Store(ref dCandidateBias, j, c.Load(ref dCandidateBias, j) + dPreC);
        c.Store(ref dPre, ju, dPreU);
        c.Store(ref dBias, ju, c.Load(ref dBias, ju) + dPreU);
    }
}

/// <summary>From d(rh) = dPre_c·Wh_cᵀ: dPre_r = d(rh)·hPrev·σ'(r) (stored, added to the bias); dH += d(rh)·r.</summary>
internal ref struct GruGateBackwardRow : IRowKernel
{
    public static bool UsesMaskedTail => false;   // see IRowKernel.UsesMaskedTail

    private readonly ref float gates, hPrev, dRH, dH, dPre, dBias;

    public GruGateBackwardRow(ReadOnlySpan<float> gates, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> dRH,
        Span<float> dH, Span<float> dPre, Span<float> dBias)
    {
        int units = hPrev.Length;
        this.gates = ref RowLoop.Ref(gates, units);
        this.hPrev = ref RowLoop.Ref(hPrev, units);
        this.dRH = ref RowLoop.Ref(dRH, units);
        this.dH = ref RowLoop.Ref(dH, units);
        this.dPre = ref RowLoop.Ref(dPre, units);
        this.dBias = ref RowLoop.Ref(dBias, units);
    }

    public readonly void Chunk<TChunk, TV>(TChunk c, int j) where TChunk : struct, IChunk<TV> where TV : struct, IFloatVector<TV>
    {
        var r = c.Load(ref gates, j);
        var drh = c.Load(ref dRH, j);
        var dPreR = drh * c.Load(ref hPrev, j) * SigmoidDerivative(r);
        c.Store(ref dH, j, Fma(drh, r, c.Load(ref dH, j)));
        c.Store(ref dPre, j, dPreR);
        c.Store(ref dBias, j, c.Load(ref dBias, j) + dPreR);
    }
}
