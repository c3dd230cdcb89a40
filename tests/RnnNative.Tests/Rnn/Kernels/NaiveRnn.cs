using RnnNative.Kernels;

namespace RnnNative.Tests.RnnKernels;

/// <summary>
/// The deliberately naive reference of <see cref="FusedRnn"/>: every sequence runs ON ITS OWN, step by step up
/// to its own length (no masks, no sorting, no batching), then back-propagates with an explicit BPTT loop.
/// </summary>
internal static class NaiveRnn
{
    public static RnnResults<double> Run(RnnProblem p)
    {
        var result = new RnnResults<double>(p);
        for (int e = 0; e < p.Batch; e++)
            RunSequence(p, e, result);
        return result;
    }

    private static void RunSequence(RnnProblem p, int e, RnnResults<double> r)
    {
        int h = p.Units, length = p.Lengths[e];
        var cell = NaiveCell.Create(p, r);
        double[] hState = RowAt(p.H0, e * h, h), cState = RowAt(p.C0, e * h, h);
        var caches = new List<object>();
        for (int t = 0; t < length; t++)
        {
            (hState, cState, var cache) = cell.Forward(RowAt(p.X, p.Offset(e, t, p.Inputs), p.Inputs), hState, cState);
            caches.Add(cache);
            hState.CopyTo(r.Outputs, p.Offset(e, t, h));
            r.Loss += Dot(hState, RowAt(p.DOutputs, p.Offset(e, t, h), h));
        }
        hState.CopyTo(r.FinalH, e * h);
        r.Loss += Dot(hState, RowAt(p.DFinalH, e * h, h));
        if (p.Cell.HasCellState)
        {
            cState.CopyTo(r.FinalC, e * h);
            r.Loss += Dot(cState, RowAt(p.DFinalC, e * h, h));
        }

        double[] dh = RowAt(p.DFinalH, e * h, h), dc = RowAt(p.DFinalC, e * h, h);
        for (int t = length - 1; t >= 0; t--)
        {
            var dOut = RowAt(p.DOutputs, p.Offset(e, t, h), h);
            for (int k = 0; k < h; k++)
                dh[k] += dOut[k];
            var dx = new double[p.Inputs];
            (dh, dc) = cell.Backward(caches[t], dh, dc, dx);
            dx.CopyTo(r.DX, p.Offset(e, t, p.Inputs));
        }
        dh.CopyTo(r.DH0, e * h);
        if (p.Cell.HasCellState)
            dc.CopyTo(r.DC0, e * h);
    }

    // A copy of `width` values at `offset`; zeros when the buffer is empty.
    private static double[] RowAt(double[] buffer, int offset, int width) =>
        buffer.Length == 0 ? new double[width] : buffer.AsSpan(offset, width).ToArray();

    private static double Dot(double[] a, double[] b) => a.Zip(b, (u, v) => u * v).Sum();
}

/// <summary>One cell of the reference: a step forward (keeping a cache) and its backward.</summary>
internal abstract class NaiveCell(RnnProblem p, RnnResults<double> r)
{
    protected RnnProblem P { get; } = p;
    protected RnnResults<double> R { get; } = r;

    /// <summary>(h, c) → (h', c'); c is empty for cells without a cell state.</summary>
    public abstract (double[] H, double[] C, object Cache) Forward(double[] x, double[] h, double[] c);

    /// <summary>(dh', dc') → (dh, dc); adds into the weight gradients and into dx.</summary>
    public abstract (double[] Dh, double[] Dc) Backward(object cache, double[] dh, double[] dc, double[] dx);

    public static NaiveCell Create(RnnProblem p, RnnResults<double> r) => p.Cell.Kind switch
    {
        RnnCellKind.Lstm => new NaiveLstmCell(p, r),
        RnnCellKind.Gru => new NaiveGruCell(p, r),
        _ => new NaiveBasicCell(p, r),
    };
}

internal sealed class NaiveBasicCell(RnnProblem p, RnnResults<double> r) : NaiveCell(p, r)
{
    private bool Relu => P.Cell.Kind == RnnCellKind.BasicRelu;

    public override (double[] H, double[] C, object Cache) Forward(double[] x, double[] h, double[] c)
    {
        var z = NaiveMath.Affine(P.Kernel, P.Bias, P.Units, x, h);
        return (NaiveMath.Basic(z, Relu), c, (x, h, z));
    }

    public override (double[] Dh, double[] Dc) Backward(object cache, double[] dh, double[] dc, double[] dx)
    {
        var (x, h, z) = ((double[], double[], double[]))cache;
        var dz = NaiveMath.BasicBackward(z, dh, Relu);
        var dhPrev = new double[P.Units];
        NaiveMath.AffineBackward(P.Kernel, P.Units, x, h, dz, R.DKernel, R.DBias, dx, dhPrev);
        return (dhPrev, dc);
    }
}

internal sealed class NaiveLstmCell(RnnProblem p, RnnResults<double> r) : NaiveCell(p, r)
{
    public override (double[] H, double[] C, object Cache) Forward(double[] x, double[] h, double[] c)
    {
        var gates = NaiveMath.Lstm(NaiveMath.Affine(P.Kernel, P.Bias, 4 * P.Units, x, h), c, P.Cell.ForgetBias);
        return (gates.H, gates.C, (x, h, c, gates));
    }

    public override (double[] Dh, double[] Dc) Backward(object cache, double[] dh, double[] dc, double[] dx)
    {
        var (x, h, c, gates) = ((double[], double[], double[], NaiveMath.LstmGates))cache;
        var (dz, dcPrev) = NaiveMath.LstmBackward(gates, c, dh, dc);
        var dhPrev = new double[P.Units];
        NaiveMath.AffineBackward(P.Kernel, 4 * P.Units, x, h, dz, R.DKernel, R.DBias, dx, dhPrev);
        return (dhPrev, dcPrev);
    }
}

internal sealed class NaiveGruCell(RnnProblem p, RnnResults<double> r) : NaiveCell(p, r)
{
    public override (double[] H, double[] C, object Cache) Forward(double[] x, double[] h, double[] c)
    {
        var (rGate, u) = NaiveMath.GruGates(NaiveMath.Affine(P.Kernel, P.Bias, 2 * P.Units, x, h));
        var rh = rGate.Select((rm, m) => rm * h[m]).ToArray();
        var (candidate, hNew) = NaiveMath.GruCandidate(
            NaiveMath.Affine(P.CandidateKernel, P.CandidateBias, P.Units, x, rh), u, h);
        return (hNew, c, (x, h, rGate, u, rh, candidate));
    }

    public override (double[] Dh, double[] Dc) Backward(object cache, double[] dh, double[] dc, double[] dx)
    {
        var (x, h, rGate, u, rh, candidate) = ((double[], double[], double[], double[], double[], double[]))cache;
        var (dzc, dzu, dhPrev) = NaiveMath.GruCandidateBackward(u, candidate, h, dh);
        var drh = new double[P.Units];
        NaiveMath.AffineBackward(P.CandidateKernel, P.Units, x, rh, dzc, R.DCandidateKernel, R.DCandidateBias, dx, drh);
        var (dzr, dhFromR) = NaiveMath.GruGateBackward(rGate, h, drh);
        for (int m = 0; m < P.Units; m++)
            dhPrev[m] += dhFromR[m];
        NaiveMath.AffineBackward(P.Kernel, 2 * P.Units, x, h, [.. dzr, .. dzu], R.DKernel, R.DBias, dx, dhPrev);
        return (dhPrev, dc);
    }
}
