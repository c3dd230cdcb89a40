using RnnNative.Blas;
using RnnNative.Models;

namespace RnnNative.Tests.Blas;

/// <summary>
/// MKL runs are bit-reproducible for a given seed and thread count: MKL is loaded with conditional numerical
/// reproducibility (CNR) for its code branch, so the same training run twice in one process, with the buffers at
/// other addresses, ends with the same weights bit for bit.
/// </summary>
[Collection(BlasCollection.Name)]
public class MklReproducibilityTests
{
    private static float[] Train(int threads)
    {
        // The reference model's shapes (large enough that MKL runs its blocked kernels, not a small-matrix path).
        var model = new SequenceClassifier(new SequenceClassifierOptions
        {
            Steps = 28, Inputs = 28, Units = 150, Cell = CellType.Basic, Seed = 11,
        });
        var random = new Random(7);
        const int batch = 150;
        var feeds = new FeedDict
        {
            [model.X] = Tensor.FromArray(Enumerable.Range(0, batch * 28 * 28).Select(_ => (float)random.NextDouble()).ToArray(), batch, 28, 28),
            [model.Y] = Tensor.FromArray(Enumerable.Range(0, batch).Select(_ => random.Next(10)).ToArray(), batch),
        };
        using var session = new Session(model.Graph, new SessionOptions { Backend = BlasKind.Mkl, Threads = threads });
        session.Run(model.Graph.GlobalVariablesInitializer());
        for (int step = 0; step < 8; step++) session.Run(model.TrainOp, feeds);
        return (float[])session.Parameters.Values.Clone();
    }

    [BackendTheory(BlasKind.Mkl)]
    [InlineData(1)]
    [InlineData(2)]
    public void SameSeedSameThreadsGivesBitIdenticalWeights(int threads)
    {
        float[] first = Train(threads);
        // Pinned buffers of odd sizes move the next runs' (pinned) buffers to other addresses and alignments.
        foreach (int shiftBytes in new[] { 20, 4 * 1024 + 36, 52 })
        {
            var shift = GC.AllocateArray<byte>(shiftBytes, pinned: true);
            float[] again = Train(threads);
            GC.KeepAlive(shift);
            int differing = first.Zip(again).Count(p => BitConverter.SingleToInt32Bits(p.First) != BitConverter.SingleToInt32Bits(p.Second));
            Assert.True(differing == 0, $"{differing} of {first.Length} weights differ between identical runs ({threads} thread(s)).");
        }
        Assert.Contains("CNR branch", BlasBackend.Create(BlasKind.Mkl).Kernel);
    }
}
