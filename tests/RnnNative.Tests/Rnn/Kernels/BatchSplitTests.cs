using RnnNative.Blas;
using RnnNative.Kernels;

namespace RnnNative.Tests.RnnKernels;

/// <summary>
/// The fused RNN with the batch cut across threads (<see cref="BatchSplit"/>) against the same kernels on one
/// thread, and against the naive double-precision reference.
/// </summary>
/// <remarks>
/// With the managed GEMM, cutting a GEMM by rows leaves every element's sum in the same order, so the forward
/// results, dX, dH0 and dC0 are bit-identical. The weight gradients are sums over all packed rows, which each
/// part sums over its own rows before the partial sums are added: a different order, so they may differ by
/// rounding (checked to 1e-6 of each gradient's largest element; float rounding of ~10² terms is ~1e-7).
/// </remarks>
public class BatchSplitTests
{
    public static TheoryData<RnnCellKind, bool, int> Cases()
    {
        var data = new TheoryData<RnnCellKind, bool, int>();
        foreach (var kind in Enum.GetValues<RnnCellKind>())
        {
            data.Add(kind, false, 2);
            data.Add(kind, true, 3);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SplitForwardAndBackwardEqualOneThread(RnnCellKind kind, bool timeMajor, int parts)
    {
        // Ragged, unsorted lengths with 0 and T; H = 11 has a vector tail; every optional buffer is passed.
        var p = RnnProblem.Random(kind, batch: 7, steps: 6, inputs: 3, units: 11, lengths: [6, 0, 3, 6, 1, 5, 2],
            timeMajor, seed: 70 + (int)kind);
        using var blas = BlasBackend.Create(BlasKind.Managed);
        var serial = new FusedRunner(p).Run(blas);
        using var gemm = BlasBackend.Create(BlasKind.Managed);
        using var compute = new ComputeResources(gemm, parts);
        var split = new BatchSplit(compute);
        var threaded = RunSplit(p, split);

        foreach (var ((name, expected), (_, actual)) in serial.All().Zip(threaded.All()))
            if (name.StartsWith("dKernel") || name.StartsWith("dBias") || name.StartsWith("dCandidate"))
                Assert.True(GradientCloseness(expected, actual) <= 1e-6, $"{name} differs by more than rounding.");
            else
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name} differs between 1 and {parts} threads.");
        Compare.ZeroPastLengths(p, threaded.Outputs, p.Units, "outputs");
    }

    [Theory]
    [InlineData(RnnCellKind.Lstm)]
    [InlineData(RnnCellKind.Gru)]
    public void MorePartsThanRowsLeaveSomePartsEmpty(RnnCellKind kind)
    {
        // Three parts for two examples of lengths 1 and 0 (N = 1 packed row): two parts get no slot, no row.
        var p = RnnProblem.Random(kind, batch: 2, steps: 2, inputs: 3, units: 5, lengths: [1, 0], timeMajor: false, seed: 90);
        using var blas = BlasBackend.Create(BlasKind.Managed);
        var serial = new FusedRunner(p).Run(blas);
        using var gemm = BlasBackend.Create(BlasKind.Managed);
        using var compute = new ComputeResources(gemm, 3);
        var split = new BatchSplit(compute);
        var threaded = RunSplit(p, split);
        foreach (var ((name, expected), (_, actual)) in serial.All().Zip(threaded.All()))
            Assert.True(GradientCloseness(expected, actual) <= 1e-6, $"{name} differs between 1 and 3 threads.");
    }

    [Theory]
    [InlineData(RnnCellKind.BasicTanh)]
    [InlineData(RnnCellKind.Lstm)]
    [InlineData(RnnCellKind.Gru)]
    public void NoValidStepLeavesTheInitialStateAsFinalOnEveryThreadCount(RnnCellKind kind)
    {
        // Every length 0: no packed row, so nothing is cut across threads; the final state is h0 (c0), in the
        // caller's order, and their gradients pass straight back.
        var p = RnnProblem.Random(kind, batch: 4, steps: 3, inputs: 2, units: 9, lengths: [0, 0, 0, 0], timeMajor: false, seed: 95);
        using var gemm = BlasBackend.Create(BlasKind.Managed);
        using var compute = new ComputeResources(gemm, 2);
        var split = new BatchSplit(compute);
        var threaded = RunSplit(p, split);
        Assert.Equal(p.H0.Select(v => (float)v), threaded.FinalH);
        if (p.Cell.HasCellState) Assert.Equal(p.C0.Select(v => (float)v), threaded.FinalC);
        Assert.All(threaded.Outputs, v => Assert.Equal(0f, v));
        Assert.Equal(p.DFinalH.Select(v => (float)v), threaded.DH0);
    }

    [Fact]
    public void SplitRunsRepeatOnTheSameWorkspaceAndThreads()
    {
        // The helper threads and the bias scratch are reused call after call: a second run gives the same.
        var p = RnnProblem.Random(RnnCellKind.Gru, 5, 4, 2, 9, [4, 4, 1, 3, 2], timeMajor: false, seed: 81);
        using var gemm = BlasBackend.Create(BlasKind.Managed);
        using var compute = new ComputeResources(gemm, 2);
        var split = new BatchSplit(compute);
        var ws = new RnnWorkspace(p.Cell, p.Batch, p.Steps);
        var first = RunSplit(p, split, ws);
        var second = RunSplit(p, split, ws);
        foreach (var ((name, a), (_, b)) in first.All().Zip(second.All()))
            Assert.True(a.AsSpan().SequenceEqual(b), $"{name} changed on the second run.");
    }

    [Fact]
    public void SlicesHaveEqualRowsAndCoverTheBatch()
    {
        var cell = new RnnCellSpec(RnnCellKind.BasicTanh, 2, 4);
        var ws = new RnnWorkspace(cell, 6, 10);
        using var gemm = BlasBackend.Create(BlasKind.Managed);
        using var compute = new ComputeResources(gemm, 2);
        var split = new BatchSplit(compute);
        var x = new float[6 * 10 * 2];
        FusedRnn.Forward(split.Gemm, ws, x, false, new RnnWeights(new float[6 * 4], new float[4]), [10, 1, 2, 10, 3, 0], [], [],
            [], new float[24], []);
        split.CutSlices(ws);
        // Sorted lengths 10, 10, 3, 2, 1, 0 (N = 26): the closest cut to 13 | 13 is 10 | 16 (20 | 6 is worse).
        Assert.Equal([0, 1, 6], split.SlotBounds);
    }

    /// <summary>max |a − b| ÷ max |a|.</summary>
    private static double GradientCloseness(float[] expected, float[] actual)
    {
        double scale = expected.Length == 0 ? 0 : expected.Max(v => Math.Abs((double)v)), worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs((double)expected[i] - actual[i]));
        return worst == 0 ? 0 : worst / scale;
    }

    private static RnnResults<float> RunSplit(RnnProblem p, BatchSplit split, RnnWorkspace? ws = null)
    {
        ws ??= new RnnWorkspace(p.Cell, p.Batch, p.Steps);
        var r = new RnnResults<float>(p);
        float[] F(double[] values) => RnnProblem.ToFloat(values);
        var weights = new RnnWeights(F(p.Kernel), F(p.Bias), F(p.CandidateKernel), F(p.CandidateBias));
        FusedRnn.Forward(split, ws, F(p.X), p.TimeMajor, weights, p.Lengths, F(p.H0), F(p.C0), r.Outputs, r.FinalH, r.FinalC);
        FusedRnn.Backward(split, ws, weights, F(p.DOutputs), F(p.DFinalH), F(p.DFinalC), r.DX,
            new RnnWeightGradients(r.DKernel, r.DBias, r.DCandidateKernel, r.DCandidateBias), r.DH0, r.DC0);
        return r;
    }
}
