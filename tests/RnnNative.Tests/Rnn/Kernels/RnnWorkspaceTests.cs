using RnnNative.Kernels;

namespace RnnNative.Tests.RnnKernels;

/// <summary>The transposed recurrent weights the backward pass multiplies by (dh = dPre·Whᵀ as an NN GEMM).</summary>
public class RnnWorkspaceTests
{
    public static TheoryData<RnnCellKind, int> CellsAndUnits()
    {
        var data = new TheoryData<RnnCellKind, int>();
        foreach (var kind in Enum.GetValues<RnnCellKind>())
            foreach (int units in new[] { 1, 15, 16, 17, 33 })   // around the 16×16 blocks of the transpose
                data.Add(kind, units);
        return data;
    }

    [Theory]
    [MemberData(nameof(CellsAndUnits))]
    public void TransposedRecurrentWeightsAreWhTransposedPerGroup(RnnCellKind kind, int units)
    {
        var cell = new RnnCellSpec(kind, inputs: 3, units);
        var random = new Random(units);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)random.NextDouble()).ToArray();
        var weights = new RnnWeights(Values(cell.KernelLength), Values(cell.BiasLength),
            Values(cell.CandidateKernelLength), Values(cell.CandidateBiasLength));
        var ws = new RnnWorkspace(cell, batch: 2, steps: 3);

        ws.TransposeRecurrentWeights(weights, use: true);

        Assert.True(ws.HasTransposedRecurrent);
        for (int g = 0; g < cell.GroupCount; g++)
        {
            int width = cell.GroupWidth(g);
            var wh = weights.RecurrentWeights(cell, g);          // (H, w_g)
            var whT = ws.TransposedRecurrentWeights(g);          // (w_g, H)
            Assert.Equal(wh.Length, whT.Length);
            for (int i = 0; i < units; i++)
                for (int j = 0; j < width; j++)
                    Assert.Equal(wh[i * width + j], whT[j * units + i]);
        }
    }

    [Fact]
    public void NotUsingTheTransposedCopyForgetsIt()
    {
        var cell = new RnnCellSpec(RnnCellKind.BasicTanh, inputs: 2, units: 4);
        var weights = new RnnWeights(new float[cell.KernelLength], new float[cell.BiasLength]);
        var ws = new RnnWorkspace(cell, batch: 1, steps: 1);
        ws.TransposeRecurrentWeights(weights, use: true);

        ws.TransposeRecurrentWeights(weights, use: false);

        Assert.False(ws.HasTransposedRecurrent);
    }
}
