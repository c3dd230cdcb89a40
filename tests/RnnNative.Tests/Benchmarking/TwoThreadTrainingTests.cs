using RnnNative.Benchmarking;
using RnnNative.Blas;
using RnnNative.Models;
using RnnNative.Tests.Blas;

namespace RnnNative.Tests.Benchmarking;

/// <summary>
/// Training the reference classifier with two threads (the batch cut across threads) gives the results of one
/// thread, and a steady-state step allocates nothing on either.
/// </summary>
/// <remarks>
/// Tolerance, decided: with the managed GEMM, cutting a product by rows does not change the order of any
/// element's sum, so the forward pass (the loss) and the dense layer's gradients are bit-identical. The RNN's
/// weight gradients are sums over all B·T rows, which each half sums over its own rows before the two partial
/// sums are added: a different order, so they agree to rounding — 1e-6 of each variable's largest gradient.
/// Native BLAS may pick different kernels for a half's smaller products, so there the bound is the benchmark's.
/// </remarks>
[Collection(BlasCollection.Name)]
public class TwoThreadTrainingTests
{
    private static SequenceClassifier Model(CellType cell, bool lengths = true) => new(new SequenceClassifierOptions
    {
        Steps = 6, Inputs = 5, Units = 13, Cell = cell, UseSequenceLengths = lengths, Seed = 3,
    });

    private static FeedDict Batch(SequenceClassifier model, int batch = 11)
    {
        var random = new Random(5);
        var x = Enumerable.Range(0, batch * 6 * 5).Select(_ => (float)random.NextDouble()).ToArray();
        var feeds = new FeedDict
        {
            [model.X] = Tensor.FromArray(x, batch, 6, 5),
            [model.Y] = Tensor.FromArray(Enumerable.Range(0, batch).Select(_ => random.Next(10)).ToArray(), batch),
        };
        if (model.Lengths is { } lengths)
            feeds[lengths] = Tensor.FromArray(Enumerable.Range(0, batch).Select(i => i % 7).ToArray(), batch);
        return feeds;
    }

    public static TheoryData<CellType> Cells => [CellType.Basic, CellType.Lstm, CellType.Gru];

    [Theory]
    [MemberData(nameof(Cells))]
    public void ManagedTwoThreadStepEqualsOneThread(CellType cell)
    {
        var model = Model(cell);
        var feeds = Batch(model);
        using var one = new Session(model.Graph, new SessionOptions { Backend = BlasKind.Managed, Threads = 1 });
        using var two = new Session(model.Graph, new SessionOptions { Backend = BlasKind.Managed, Threads = 2 });
        var (lossOne, lossTwo) = FirstStep(model, one, two, feeds);
        Assert.Equal(2, two.Compute.Parts);
        Assert.Equal(lossOne, lossTwo);   // the forward pass is bit-identical
        foreach (var variable in model.Graph.TrainableVariables)
        {
            var a = one.Parameters.GradientOf(variable);
            var b = two.Parameters.GradientOf(variable);
            if (variable.Name.StartsWith("rnn/", StringComparison.Ordinal))
                Assert.True(GradientCheck.RelativeError(b, a) <= 1e-6, $"{variable.Name}: {GradientCheck.RelativeError(b, a):G3}");
            else
                Assert.True(a.SequenceEqual(b), $"{variable.Name} differs between 1 and 2 threads.");
        }
    }

    [Theory]
    [InlineData(BlasKind.OpenBlas)]
    [InlineData(BlasKind.Mkl)]
    public void NativeTwoThreadStepMatchesOneThread(BlasKind kind)
    {
        if (BackendAvailability.SkipReason(kind) is not null) return;   // reported by the BLAS reference theories
        var model = Model(CellType.Lstm);
        var feeds = Batch(model);
        using var one = new Session(model.Graph, new SessionOptions { Backend = kind, Threads = 1 });
        using var two = new Session(model.Graph, new SessionOptions { Backend = kind, Threads = 2 });
        FirstStep(model, one, two, feeds);
        Assert.Equal(2, two.Compute.Parts);
        double error = GradientCheck.Verify(two, one, $"{kind} with 2 threads");
        Assert.True(error <= GradientCheck.Tolerance);
    }

    // The same weights into both sessions, one training step each; the losses before the step.
    private static (float, float) FirstStep(SequenceClassifier model, Session one, Session two, FeedDict feeds)
    {
        one.Run(model.Graph.GlobalVariablesInitializer());
        foreach (var variable in model.Graph.GlobalVariables) two.Assign(variable, one.Read(variable));
        var lossOne = one.Run([model.Loss, model.TrainOp], feeds)[0]!;
        var lossTwo = two.Run([model.Loss, model.TrainOp], feeds)[0]!;
        return ((float)lossOne, (float)lossTwo);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ReferenceModelStepsAllocateNothing(int threads)
    {
        // The lecture's model at full size (B = 150, T = 28, I = 28, H = 150), as `rnn bench` runs it.
        var model = new SequenceClassifier(new SequenceClassifierOptions());
        var feeds = BatchOfReferenceShape(model);
        using var session = new Session(model.Graph, new SessionOptions { Backend = BlasKind.Managed, Threads = threads });
        session.Run(model.Graph.GlobalVariablesInitializer());
        for (int i = 0; i < 3; i++) session.Run(model.TrainOp, feeds);
        long before = TrainingBenchmark.AllocatedBytes(session);
        for (int i = 0; i < 5; i++) session.Run(model.TrainOp, feeds);
        Assert.Equal(0, TrainingBenchmark.AllocatedBytes(session) - before);
        Assert.Equal(threads, session.Compute.Parts);
        // Control: the counter sees this thread's allocations (a fetched value is a new tensor).
        before = TrainingBenchmark.AllocatedBytes(session);
        session.Run(model.Loss, feeds);
        Assert.True(TrainingBenchmark.AllocatedBytes(session) > before);
    }

    private static FeedDict BatchOfReferenceShape(SequenceClassifier model)
    {
        var random = new Random(9);
        return new FeedDict
        {
            [model.X] = Tensor.FromArray(Enumerable.Range(0, 150 * 28 * 28).Select(_ => (float)random.NextDouble()).ToArray(), 150, 28, 28),
            [model.Y] = Tensor.FromArray(Enumerable.Range(0, 150).Select(_ => random.Next(10)).ToArray(), 150),
        };
    }
}
