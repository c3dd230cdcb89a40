using RnnNative.Blas;
using RnnNative.Kernels;
using RnnNative.Tests.Blas;

namespace RnnNative.Tests.RnnKernels;

/// <summary>
/// The fused RNN on a <see cref="Bf16Blas"/> with the workspace's bfloat16 shadows of XH and DPre (rounded once,
/// where they are written) against the same calls with the shadows turned off (the backend rounds every operand
/// of every GEMM). The GEMMs see the same bfloat16 values and the same (padded, transposed) shapes, so every result
/// must be bit-identical.
/// </summary>
[Collection(BlasCollection.Name)]
public class Bf16ShadowTests
{
    private static readonly int[] RaggedLengths = [6, 0, 3, 6, 1, 5, 2];   // with 0 and T, unsorted

    public static TheoryData<RnnCellKind, int, bool> Cases()
    {
        var data = new TheoryData<RnnCellKind, int, bool>();
        foreach (var kind in Enum.GetValues<RnnCellKind>())
            foreach (int parts in new[] { 1, 2 })
                foreach (bool initialState in new[] { true, false })
                    data.Add(kind, parts, initialState);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void ShadowsGiveTheSameBitsAsRoundingEveryOperand(RnnCellKind kind, int parts, bool initialState)
    {
        var p = RnnProblem.Random(kind, batch: 7, steps: 6, inputs: 3, units: 11, RaggedLengths,
            timeMajor: parts == 2, seed: 300 + (int)kind, initialState);
        using var managed = BlasBackend.Create(BlasKind.Managed);
        var (shadowed, ws) = Run(p, managed, parts, shadows: true);
        Assert.NotNull(ws.Bf16);
        var (rounded, plain) = Run(p, managed, parts, shadows: false);
        Assert.Null(plain.Bf16);
        AssertBitIdentical(rounded, shadowed, $"{kind}, {parts} part(s)");
    }

    [Theory]
    [InlineData(RnnCellKind.BasicTanh)]
    [InlineData(RnnCellKind.Gru)]
    public void ShadowsLeftByAnEarlierCallAreRewritten(RnnCellKind kind)
    {
        // A call with an initial state, then one from a zero state (whose GEMM at step 0 skips h) with other
        // lengths and inputs on the same workspace: no bit of the first call's shadows may leak into the second.
        var first = RnnProblem.Random(kind, 7, 6, 3, 11, RaggedLengths, timeMajor: false, seed: 41, initialState: true);
        var second = RnnProblem.Random(kind, 7, 6, 3, 11, [2, 6, 6, 4, 0, 1, 3], timeMajor: false, seed: 42, initialState: false);
        using var managed = BlasBackend.Create(BlasKind.Managed);
        var (_, ws) = Run(first, managed, parts: 2, shadows: true);
        var (reused, _) = Run(second, managed, parts: 2, shadows: true, ws);
        var (fresh, _) = Run(second, managed, parts: 2, shadows: false);
        AssertBitIdentical(fresh, reused, $"{kind}, second call");
    }

    [Fact]
    public void AFloat32BackendNeverTurnsTheShadowsOn()
    {
        var p = RnnProblem.Random(RnnCellKind.BasicTanh, 3, 4, 2, 5, [4, 2, 0], timeMajor: false, seed: 7);
        using var managed = BlasBackend.Create(BlasKind.Managed);
        var ws = new RnnWorkspace(p.Cell, p.Batch, p.Steps);
        new FusedRunner(p).Run(managed, ws, new RnnResults<float>(p));
        Assert.Null(ws.Bf16);
        long fp32Bytes = ws.Bytes;
        using var bf16 = new Bf16Blas(managed, weights: null, ownsInner: false);
        new FusedRunner(p).Run(bf16, ws, new RnnResults<float>(p));
        Assert.NotNull(ws.Bf16);
        Assert.True(ws.Bytes > fp32Bytes, "The shadows' memory is not counted.");
    }

    [Fact]
    public void ABackwardOnAFloat32BackendAfterABfloat16ForwardIsRefused()
    {
        // The basic cell keeps some operands only in bfloat16: a float32 GEMM would read stale floats.
        var p = RnnProblem.Random(RnnCellKind.BasicTanh, 3, 4, 2, 5, [4, 2, 3], timeMajor: false, seed: 8);
        using var managed = BlasBackend.Create(BlasKind.Managed);
        using var bf16 = new Bf16Blas(managed, weights: null, ownsInner: false);
        var ws = new RnnWorkspace(p.Cell, p.Batch, p.Steps);
        var r = new RnnResults<float>(p);
        float[] F(double[] values) => RnnProblem.ToFloat(values);
        var weights = new RnnWeights(F(p.Kernel), F(p.Bias), F(p.CandidateKernel), F(p.CandidateBias));
        FusedRnn.Forward(bf16, ws, F(p.X), p.TimeMajor, weights, p.Lengths, F(p.H0), F(p.C0), r.Outputs, r.FinalH, r.FinalC);
        var e = Assert.Throws<InvalidOperationException>(() => FusedRnn.Backward(managed, ws, weights, F(p.DOutputs),
            F(p.DFinalH), F(p.DFinalC), r.DX, new RnnWeightGradients(r.DKernel, r.DBias, r.DCandidateKernel, r.DCandidateBias),
            r.DH0, r.DC0));
        Assert.Contains("bfloat16", e.Message);
    }

    [Theory]
    [InlineData(RnnCellKind.BasicTanh, 1)]
    [InlineData(RnnCellKind.BasicTanh, 2)]
    [InlineData(RnnCellKind.Lstm, 2)]
    [InlineData(RnnCellKind.Gru, 2)]
    public void OnMklWithSlabWeightsTheShadowsGiveTheSameBits(RnnCellKind kind, int parts)
    {
        if (!BlasBackend.IsAvailable(BlasKind.Mkl, out _)) return;
        using var mkl = BlasBackend.Create(BlasKind.Mkl);
        if (!mkl.SupportsBf16Gemm(out string why)) { Assert.NotEmpty(why); return; }
        // B = 40, H = 37 (vector tails), weights inside a pinned slab read from its bfloat16 copy.
        int[] lengths = Enumerable.Range(0, 40).Select(i => i % 9 == 0 ? 0 : i % 7 == 0 ? 12 : 1 + i % 12).ToArray();
        var p = RnnProblem.Random(kind, 40, 12, 9, 37, lengths, timeMajor: false, seed: 77);
        var (shadowed, ws) = Run(p, mkl, parts, shadows: true, slab: true);
        Assert.NotNull(ws.Bf16);
        var (rounded, _) = Run(p, mkl, parts, shadows: false, slab: true);
        AssertBitIdentical(rounded, shadowed, $"MKL {kind}, {parts} part(s)");
    }

    private static void AssertBitIdentical(RnnResults<float> expected, RnnResults<float> actual, string what)
    {
        foreach (var ((name, e), (_, a)) in expected.All().Zip(actual.All()))
            Assert.True(e.AsSpan().SequenceEqual(a), $"{what}: {name} differs from the rounding path.");
    }

    // Forward and backward through a BatchSplit of `parts` on a Bf16Blas over `inner`; with `slab`, the weights
    // lie in a pinned parameter slab whose bfloat16 copy the backend reads.
    private static (RnnResults<float>, RnnWorkspace) Run(RnnProblem p, BlasBackend inner, int parts, bool shadows,
        RnnWorkspace? ws = null, bool slab = false)
    {
        float[] F(double[] values) => RnnProblem.ToFloat(values);
        float[] parameters = GC.AllocateArray<float>(p.Kernel.Length + p.Bias.Length + p.CandidateKernel.Length + p.CandidateBias.Length, pinned: true);
        var segments = new List<ArraySegment<float>>();
        int offset = 0;
        foreach (var values in new[] { p.Kernel, p.Bias, p.CandidateKernel, p.CandidateBias })
        {
            F(values).CopyTo(parameters, offset);
            segments.Add(new ArraySegment<float>(parameters, offset, values.Length));
            offset += values.Length;
        }
        Bf16Weights? copy = slab ? new Bf16Weights(parameters) : null;
        copy?.Refresh();
        using var bf16 = new Bf16Blas(inner, copy, ownsInner: false);
        using var compute = new ComputeResources(bf16, parts);
        var split = new BatchSplit(compute);
        ws ??= new RnnWorkspace(p.Cell, p.Batch, p.Steps);
        ws.UsesBf16Shadows = shadows;
        var r = new RnnResults<float>(p);
        var weights = new RnnWeights(segments[0], segments[1], segments[2], segments[3]);
        FusedRnn.Forward(split, ws, F(p.X), p.TimeMajor, weights, p.Lengths, F(p.H0), F(p.C0), r.Outputs, r.FinalH, r.FinalC);
        FusedRnn.Backward(split, ws, weights, F(p.DOutputs), F(p.DFinalH), F(p.DFinalC), r.DX,
            new RnnWeightGradients(r.DKernel, r.DBias, r.DCandidateKernel, r.DCandidateBias), r.DH0, r.DC0);
        return (r, ws);
    }
}
