using RnnNative.Blas;
using RnnNative.Kernels;
using Xunit.Abstractions;

namespace RnnNative.Tests.RnnKernels;

/// <summary><see cref="FusedRnn"/> against the naive per-sequence double-precision BPTT of <see cref="NaiveRnn"/>.</summary>
public class FusedRnnReferenceTests(ITestOutputHelper output)
{
    public static TheoryData<RnnCellKind, bool> CellsAndLayouts()
    {
        var data = new TheoryData<RnnCellKind, bool>();
        foreach (var kind in Enum.GetValues<RnnCellKind>())
        {
            data.Add(kind, false);
            data.Add(kind, true);
        }
        return data;
    }

    public static TheoryData<RnnCellKind> Cells() => new(Enum.GetValues<RnnCellKind>());

    [Theory]
    [MemberData(nameof(CellsAndLayouts))]
    public void RaggedBatchWithInitialStateMatchesReference(RnnCellKind kind, bool timeMajor)
    {
        // Unsorted lengths including 0 and T; H = 11 exercises the vector tail; non-zero h0 (and c0).
        var p = RnnProblem.Random(kind, batch: 5, steps: 6, inputs: 3, units: 11, lengths: [6, 0, 3, 6, 1],
            timeMajor, seed: 10 + (int)kind);
        AssertMatchesReference(p, new FusedRunner(p).Run(BlasBackend.Create(BlasKind.Managed)));
    }

    [Theory]
    [InlineData(16, false)]
    [InlineData(17, true)]
    [InlineData(28, false)]
    [InlineData(40, true)]
    public void InputRowsOfOneOrMoreVectorsAreGatheredExactly(int inputs, bool timeMajor)
    {
        // I ≥ 16: the packing copies whole 512-bit vectors and one overlapping vector for the rest.
        var p = RnnProblem.Random(RnnCellKind.BasicTanh, batch: 4, steps: 3, inputs, units: 7, lengths: [3, 1, 0, 2],
            timeMajor, seed: 30 + inputs);
        AssertMatchesReference(p, new FusedRunner(p).Run(BlasBackend.Create(BlasKind.Managed)));
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void FullLengthsAndZeroInitialStateMatchReference(RnnCellKind kind)
    {
        // Empty lengths span (all T) and empty h0/c0 (zeros); H = 16 is whole vectors only.
        var p = RnnProblem.Random(kind, batch: 3, steps: 4, inputs: 5, units: 16, lengths: [4, 4, 4],
            timeMajor: false, seed: 20 + (int)kind, initialState: false);
        AssertMatchesReference(p, new FusedRunner(p).Run(BlasBackend.Create(BlasKind.Managed), passLengths: false));
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void OmittedOptionalBuffersChangeNothingElse(RnnCellKind kind)
    {
        // Empty outputs, dOutputs, dX, dH0, dC0 (a classifier on the final state) against full buffers with
        // dOutputs = 0: final states and weight gradients must be bit-identical, omitted results untouched.
        var p = RnnProblem.Random(kind, 4, 5, 3, 10, [5, 2, 0, 4], timeMajor: false, seed: 40);
        Array.Clear(p.DOutputs);
        var blas = BlasBackend.Create(BlasKind.Managed);
        var full = new FusedRunner(p).Run(blas);
        var lean = new FusedRunner(p).Run(blas, omitOptional: true);
        string[] omitted = ["outputs", "dX", "dH0", "dC0"];
        foreach (var ((name, a), (_, b)) in lean.All().Zip(full.All()))
            if (omitted.Contains(name))
                Assert.All(a, v => Assert.Equal(0f, v));
            else
                Assert.True(a.AsSpan().SequenceEqual(b), $"{name} differs when optional buffers are omitted.");
        Assert.Contains(full.DX, v => v != 0f);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void TimeLoopsOverSlotRangesMatchReference(RnnCellKind kind)
    {
        // The batch split into ranges of sorted slots (as two threads would run it), including an empty range
        // and ranges whose sequences end before others start; results must not depend on the split.
        var p = RnnProblem.Random(kind, batch: 6, steps: 5, inputs: 3, units: 9, lengths: [5, 1, 0, 3, 5, 2],
            timeMajor: true, seed: 35 + (int)kind);
        var runner = new FusedRunner(p);
        var blas = BlasBackend.Create(BlasKind.Managed);
        AssertMatchesReference(p, runner.RunInSlices(blas, 3));
        AssertMatchesReference(p, runner.RunInSlices(blas, 1, 1, 4));
    }

    [Fact]
    public void LstmForgetBiasIsHonoured()
    {
        var p = RnnProblem.Random(RnnCellKind.Lstm, batch: 3, steps: 4, inputs: 2, units: 9, lengths: [2, 4, 3],
            timeMajor: false, seed: 30, forgetBias: -0.7f);
        AssertMatchesReference(p, new FusedRunner(p).Run(BlasBackend.Create(BlasKind.Managed)));
    }

    [Fact]
    public void LectureExampleZeroesPaddingAndKeepsLastValidState()
    {
        // X_batch (4, 2, 3), lengths [2, 1, 2, 2], 5 units: instance 1 stops after step 0.
        float[] xBatch = [0, 1, 2, 9, 8, 7, 3, 4, 5, 0, 0, 0, 6, 7, 8, 6, 5, 4, 9, 0, 1, 3, 2, 1];
        var p = RnnProblem.Random(RnnCellKind.BasicTanh, batch: 4, steps: 2, inputs: 3, units: 5, lengths: [2, 1, 2, 2],
            timeMajor: false, seed: 42, initialState: false);
        xBatch.Select(v => (double)v).ToArray().CopyTo(p.X, 0);
        var fused = new FusedRunner(p).Run(BlasBackend.Create(BlasKind.Managed));

        var instance1Step0 = fused.Outputs.AsSpan(p.Offset(1, 0, 5), 5).ToArray();
        var instance1Step1 = fused.Outputs.AsSpan(p.Offset(1, 1, 5), 5).ToArray();
        Assert.All(instance1Step1, v => Assert.Equal(0f, v));
        Assert.Contains(instance1Step0, v => v != 0f);
        Assert.Equal(instance1Step0, fused.FinalH.AsSpan(5, 5).ToArray());
        Assert.Equal(fused.Outputs.AsSpan(p.Offset(0, 1, 5), 5).ToArray(), fused.FinalH.AsSpan(0, 5).ToArray());
        AssertMatchesReference(p, fused);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void ReusedWorkspaceGivesTheSameResultsAsFreshOnes(RnnCellKind kind)
    {
        var blas = BlasBackend.Create(BlasKind.Managed);
        var first = RnnProblem.Random(kind, 4, 5, 3, 10, [5, 5, 5, 5], timeMajor: false, seed: 50);
        var second = RnnProblem.Random(kind, 4, 5, 3, 10, [2, 0, 5, 3], timeMajor: false, seed: 51);
        var third = RnnProblem.Random(kind, 4, 5, 3, 10, [1, 4, 4, 0], timeMajor: true, seed: 52);
        var shared = new FusedRunner(first).NewWorkspace();
        foreach (var p in new[] { first, second, third, second })
        {
            var runner = new FusedRunner(p);
            var reused = runner.Run(blas, shared);
            var fresh = runner.Run(blas);
            foreach (var ((name, a), (_, b)) in reused.All().Zip(fresh.All()))
                Assert.True(a.AsSpan().SequenceEqual(b), $"{name} differs between a reused and a fresh workspace.");
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void SteadyStateForwardBackwardAllocatesNothing(RnnCellKind kind)
    {
        var p = RnnProblem.Random(kind, 4, 5, 3, 13, [5, 2, 0, 4], timeMajor: false, seed: 60);
        var blas = BlasBackend.Create(BlasKind.Managed);
        var runner = new FusedRunner(p);
        var ws = runner.NewWorkspace();
        var result = new RnnResults<float>(p);
        runner.Run(blas, ws, result);
        long before = GC.GetAllocatedBytesForCurrentThread();
        runner.Run(blas, ws, result);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    private void AssertMatchesReference(RnnProblem p, RnnResults<float> fused)
    {
        var naive = NaiveRnn.Run(p);
        foreach (var ((name, expected), (_, actual)) in naive.All().Zip(fused.All()))
            output.WriteLine($"{name}: max error / max|value| = {Compare.Close(expected, actual, name):G3}");
        Compare.ZeroPastLengths(p, fused.Outputs, p.Units, "outputs");
        Compare.ZeroPastLengths(p, fused.DX, p.Inputs, "dX");
    }
}
