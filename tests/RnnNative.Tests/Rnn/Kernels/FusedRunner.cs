using RnnNative.Blas;
using RnnNative.Kernels;

namespace RnnNative.Tests.RnnKernels;

/// <summary>
/// Everything a dynamic_rnn computes for a problem, in the caller's layout: float for <see cref="FusedRnn"/>,
/// double for <see cref="NaiveRnn"/> (which also records the loss). Gradients start at zero.
/// </summary>
internal sealed class RnnResults<T>(RnnProblem p) where T : struct
{
    public T[] Outputs { get; } = new T[p.Batch * p.Steps * p.Units];
    public T[] FinalH { get; } = new T[p.Batch * p.Units];
    public T[] FinalC { get; } = new T[p.Cell.HasCellState ? p.Batch * p.Units : 0];
    public T[] DKernel { get; } = new T[p.Kernel.Length];
    public T[] DBias { get; } = new T[p.Bias.Length];
    public T[] DCandidateKernel { get; } = new T[p.CandidateKernel.Length];
    public T[] DCandidateBias { get; } = new T[p.CandidateBias.Length];
    public T[] DX { get; } = new T[p.X.Length];
    public T[] DH0 { get; } = new T[p.Batch * p.Units];
    public T[] DC0 { get; } = new T[p.Cell.HasCellState ? p.Batch * p.Units : 0];
    public double Loss { get; set; }

    public IEnumerable<(string Name, T[] Values)> All() =>
    [
        ("outputs", Outputs), ("finalH", FinalH), ("finalC", FinalC), ("dKernel", DKernel), ("dBias", DBias),
        ("dCandidateKernel", DCandidateKernel), ("dCandidateBias", DCandidateBias), ("dX", DX), ("dH0", DH0), ("dC0", DC0),
    ];
}

/// <summary>Runs <see cref="FusedRnn"/> forward and backward on a <see cref="RnnProblem"/>, in float.</summary>
internal sealed class FusedRunner
{
    private readonly RnnProblem p;
    private readonly float[] x, kernel, bias, candidateKernel, candidateBias, h0, c0, dOutputs, dFinalH, dFinalC;

    public FusedRunner(RnnProblem problem)
    {
        p = problem;
        x = RnnProblem.ToFloat(p.X);
        kernel = RnnProblem.ToFloat(p.Kernel);
        bias = RnnProblem.ToFloat(p.Bias);
        candidateKernel = RnnProblem.ToFloat(p.CandidateKernel);
        candidateBias = RnnProblem.ToFloat(p.CandidateBias);
        h0 = RnnProblem.ToFloat(p.H0);
        c0 = RnnProblem.ToFloat(p.C0);
        dOutputs = RnnProblem.ToFloat(p.DOutputs);
        dFinalH = RnnProblem.ToFloat(p.DFinalH);
        dFinalC = RnnProblem.ToFloat(p.DFinalC);
    }

    public RnnWorkspace NewWorkspace() => new(p.Cell, p.Batch, p.Steps);

    /// <summary>
    /// Forward then backward into <paramref name="r"/>. <paramref name="passLengths"/>: false passes an empty
    /// span (all T). <paramref name="omitOptional"/>: passes empty outputs, dOutputs, dX, dH0 and dC0.
    /// </summary>
    public void Run(BlasBackend blas, RnnWorkspace ws, RnnResults<float> r, bool passLengths = true, bool omitOptional = false)
    {
        var weights = new RnnWeights(kernel, bias, candidateKernel, candidateBias);
        FusedRnn.Forward(blas, ws, x, p.TimeMajor, weights, passLengths ? p.Lengths : [], h0, c0,
            omitOptional ? [] : r.Outputs, r.FinalH, r.FinalC);
        FusedRnn.Backward(blas, ws, weights, omitOptional ? [] : dOutputs, dFinalH, dFinalC, omitOptional ? [] : r.DX,
            new RnnWeightGradients(r.DKernel, r.DBias, r.DCandidateKernel, r.DCandidateBias),
            omitOptional ? [] : r.DH0, omitOptional ? [] : r.DC0);
    }

    /// <summary>
    /// Forward and backward with the time loops run separately, one after the other, over consecutive ranges
    /// of sorted slots [0, s1), [s1, s2), ..., [sk, B) — how a threaded caller would split the batch.
    /// </summary>
    public RnnResults<float> RunInSlices(BlasBackend blas, params int[] splits)
    {
        var (r, ws) = (new RnnResults<float>(p), NewWorkspace());
        int[] bounds = [0, .. splits, p.Batch];
        var weights = new RnnWeights(kernel, bias, candidateKernel, candidateBias);
        var gradients = new RnnWeightGradients(r.DKernel, r.DBias, r.DCandidateKernel, r.DCandidateBias);
        FusedRnn.PlanForward(blas, ws, x, p.TimeMajor, weights, p.Lengths, h0, c0, r.Outputs, r.FinalH, r.FinalC);
        FusedRnn.PackSlots(ws, x, h0, c0, r.FinalH, r.FinalC, 0, p.Batch);
        if (RnnGemms.HasInputProjection(ws.Cell)) RnnGemms.InputProjection(blas, ws, weights, 0, ws.PackedRows);
        for (int i = 0; i + 1 < bounds.Length; i++)
            FusedRnn.ForwardSteps(blas, ws, weights, bounds[i], bounds[i + 1], r.Outputs, r.FinalH, r.FinalC);
        FusedRnn.EndForward(ws, r.Outputs);
        FusedRnn.BeginBackward(blas, ws, weights, dOutputs, dFinalH, dFinalC, r.DX, gradients, r.DH0, r.DC0);
        for (int i = bounds.Length - 2; i >= 0; i--)
            FusedRnn.BackwardSteps(blas, ws, weights, bounds[i], bounds[i + 1], dOutputs, gradients);
        FusedRnn.StoreInitialGradients(ws, r.DH0, r.DC0);
        var kernelScratch = new RowBuffer(ws.Cell.GroupWidth(0), ws.Cell.Inputs + ws.Cell.Units);
        RnnGemms.WeightGradients(blas, ws, gradients, 0, ws.PackedRows, 1f, kernelScratch);
        RnnGemms.InputGradient(blas, ws, weights, 0, ws.PackedRows);
        PackedSequences.ScatterInputGradient(ws, r.DX);
        return r;
    }

    public RnnResults<float> Run(BlasBackend blas, RnnWorkspace? ws = null, bool passLengths = true, bool omitOptional = false)
    {
        var r = new RnnResults<float>(p);
        Run(blas, ws ?? NewWorkspace(), r, passLengths, omitOptional);
        return r;
    }
}

internal static class Compare
{
    /// <summary>
    /// Asserts |actual − expected| ≤ tol·(|expected| + 0.01·max|expected|) elementwise and returns the largest
    /// error relative to max|expected|. The 1% floor covers entries that cancel to near zero in float sums.
    /// </summary>
    public static double Close(double[] expected, float[] actual, string name, double tolerance = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Length == 0 ? 0 : expected.Max(Math.Abs), worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (error > tolerance * (Math.Abs(expected[i]) + 0.01 * scale))
                Assert.Fail($"{name}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (scale {scale:G3}).");
            worst = Math.Max(worst, error / Math.Max(scale, 1e-300));
        }
        return worst;
    }

    /// <summary>Asserts every row of every step at or past its example's length is exactly zero.</summary>
    public static void ZeroPastLengths(RnnProblem p, float[] sequences, int width, string name)
    {
        for (int e = 0; e < p.Batch; e++)
            for (int t = p.Lengths[e]; t < p.Steps; t++)
                for (int k = 0; k < width; k++)
                    if (sequences[p.Offset(e, t, width) + k] != 0f)
                        Assert.Fail($"{name} of example {e} at step {t} (past its length {p.Lengths[e]}) is not 0.");
    }
}
