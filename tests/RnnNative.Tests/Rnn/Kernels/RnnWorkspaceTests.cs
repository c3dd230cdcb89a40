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
            var whT = ws.TransposedRecurrentWeights(g);          // (w_g, H), rows `stride` apart, padding zero
            int stride = ws.TransposedRecurrentStride;
            Assert.True(stride >= units && whT.Length >= (width - 1) * stride + units);
            for (int j = 0; j < width; j++)
            {
                for (int i = 0; i < units; i++)
                    Assert.Equal(wh[i * width + j], whT[j * stride + i]);
                for (int i = units; i < stride && j * stride + i < whT.Length; i++)
                    Assert.Equal(0f, whT[j * stride + i]);
            }
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

/// <summary>The slice-major packing of <see cref="RnnWorkspace.LayOutSlices"/>.</summary>
public class RnnWorkspaceSliceTests
{
    [Theory]
    [InlineData(new[] { 0, 7 })]
    [InlineData(new[] { 0, 3, 7 })]
    [InlineData(new[] { 0, 0, 7 })]       // an empty slice
    [InlineData(new[] { 0, 2, 5, 7 })]
    public void EverySliceOwnsOneBlockPackedTimeMajor(int[] bounds)
    {
        var cell = new RnnCellSpec(RnnCellKind.BasicTanh, inputs: 2, units: 3);
        var ws = new RnnWorkspace(cell, batch: 7, steps: 5);
        ws.Plan([5, 0, 3, 5, 1, 2, 4], timeMajor: false);   // sorted: 5 5 4 3 2 1 0

        ws.LayOutSlices(bounds);

        var expected = new List<int>();   // row of (t, slot) in order: slice, then step, then slot
        int row = 0;
        var seen = new HashSet<int>();
        for (int p = 0; p + 1 < bounds.Length; p++)
        {
            var (start, end) = ws.SliceRows(p);
            Assert.Equal(row, start);
            for (int t = 0; t < 5; t++)
                for (int slot = bounds[p]; slot < bounds[p + 1]; slot++)
                    if (ws.SortedLengths[slot] > t)
                    {
                        Assert.Equal(row++, ws.PackedRow(t, slot));
                        Assert.True(seen.Add(ws.PackedRow(t, slot)));
                    }
            Assert.Equal(row, end);
        }
        Assert.Equal(ws.PackedRows, row);   // a bijection onto [0, N)
    }

    [Fact]
    public void OneSliceIsPlainTimeMajorPacking()
    {
        var ws = new RnnWorkspace(new RnnCellSpec(RnnCellKind.Lstm, inputs: 2, units: 3), batch: 3, steps: 4);
        ws.Plan([4, 2, 3], timeMajor: true);   // sorted: 4 3 2 → B_t = 3 3 2 1

        int[] firstRowOfStep = [0, 3, 6, 8];
        for (int t = 0; t < 4; t++)
            for (int slot = 0; slot < ws.Active[t]; slot++)
                Assert.Equal(firstRowOfStep[t] + slot, ws.PackedRow(t, slot));
    }
}
