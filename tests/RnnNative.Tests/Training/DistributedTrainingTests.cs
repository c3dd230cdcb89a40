using RnnNative.Data;
using RnnNative.Distributed;
using RnnNative.Tests.Distributed;
using RnnNative.Training;

namespace RnnNative.Tests.Training;

/// <summary>
/// The loss folded into the gradient all-reduce: two ranks as two threads (<see cref="ThreadRanks"/>) against one
/// process on the whole batch. loss = mean((x·w − t)²) over rows x = (u, 1), t = 0.5·u + 0.2 − 0.3·[n odd].
/// </summary>
public sealed class DistributedTrainingTests
{
    private const int Examples = 16, GlobalBatch = 8, Epochs = 2, Steps = Examples / GlobalBatch * Epochs;

    private sealed class Model
    {
        public Model(ICommunicator? ranks)
        {
            var g = new Graph(7);
            X = g.Placeholder("x", new Shape(-1, 2));
            T = g.Placeholder("t", new Shape(-1, 1));
            W = g.Variable("w", new Shape(2, 1), Initializer.Zeros);
            Loss = Ops.ReduceMean(Ops.Square(Ops.Subtract(Ops.MatMul(X, W), T)));
            var optimizer = new AdamOptimizer(0.05f);
            if (ranks is not null) optimizer.GradientReducer = new GradientAverager(ranks);
            TrainOp = optimizer.Minimize(Loss);
            Session = new Session(g);
            Session.Run(g.GlobalVariablesInitializer());
        }

        public Placeholder X { get; }
        public Placeholder T { get; }
        public Variable W { get; }
        public Node Loss { get; }
        public Node TrainOp { get; }
        public Session Session { get; }
    }

    private sealed class Source(Model model) : IBatchSource
    {
        private readonly BatchFeeds _feeds = new BatchFeeds().Add(model.X).Add(model.T);

        public int Count => Examples;

        public FeedBatch Fill(ReadOnlySpan<int> indices)
        {
            var batch = _feeds.For(indices.Length);
            float[] x = batch.Floats(model.X), t = batch.Floats(model.T);
            for (int k = 0; k < indices.Length; k++)
            {
                float u = indices[k] / (float)Examples;
                (x[2 * k], x[2 * k + 1], t[k]) = (u, 1f, 0.5f * u + 0.2f - 0.3f * (indices[k] % 2));
            }
            return batch;
        }
    }

    /// <summary>Trains; returns each step's reported loss and the final w.</summary>
    private static (float[] Losses, float[] W, Model Model) Train(ICommunicator? ranks)
    {
        var model = new Model(ranks);
        var losses = new List<float>();
        var loop = new TrainingLoop(model.Session, model.TrainOp, model.Loss,
            new TrainingLoopOptions { Epochs = Epochs, BatchSize = GlobalBatch, ShuffleSeed = 5, Communicator = ranks });
        loop.Progress = p => losses.Add((float)p.Loss);
        loop.Fit(new Source(model));
        return (losses.ToArray(), model.Session.Read(model.W).ToFloatArray(), model);
    }

    [Fact]
    public void TwoRanksMakeOneAllReducePerStepThatAlsoGivesTheLossOfTheWholeBatch()
    {
        var (expectedLosses, expectedW, _) = Train(null);
        var threads = new ThreadRanks(2);
        var runs = threads.Run(rank => Train(rank));
        for (int r = 0; r < 2; r++)
        {
            var (losses, w, model) = runs[r];
            int reduced = model.Session.Parameters.Size + 2; // the gradient slab, the loss and the stop flag
            Assert.Equal(Enumerable.Repeat(reduced, Steps), threads.Ranks[r].FloatReductions);
            Assert.Equal(0, threads.Ranks[r].DoubleReductions);
            // The mean of the two half-batch losses is the whole-batch loss, up to float rounding.
            Assert.Equal(expectedLosses, losses, (a, b) => Math.Abs(a - b) <= 1e-6f * Math.Max(1, Math.Abs(a)));
            Assert.Equal(expectedW, w, (a, b) => Math.Abs(a - b) <= 1e-5f * Math.Max(1, Math.Abs(a)));
        }
        Assert.NotEqual(runs[0].Losses, expectedLosses.Select(l => 0f)); // the losses are not all zero
    }

    [Fact]
    public void WithoutAGradientReducerTheLossIsAveragedByAnAllReduceOfItsOwn()
    {
        var threads = new ThreadRanks(2);
        var runs = threads.Run(rank =>
        {
            var model = new Model(null); // no reducer: the gradients stay local, only the reported loss is global
            var losses = new List<float>();
            var loop = new TrainingLoop(model.Session, model.TrainOp, model.Loss,
                new TrainingLoopOptions { Epochs = 1, BatchSize = GlobalBatch, ShuffleSeed = 5, Communicator = rank });
            loop.Progress = p => losses.Add((float)p.Loss);
            loop.Fit(new Source(model));
            return losses.ToArray();
        });
        Assert.Equal(runs[0], runs[1]); // both ranks report the same global mean
        Assert.All(threads.Ranks, r => Assert.Equal([2, 2], r.FloatReductions)); // one all-reduce of (loss, stop flag) per step
    }

    [Fact]
    public void AStopRequestedOnOneRankStopsEveryRankAfterTheSameStepWithoutAnExtraCollective()
    {
        const int StopAfter = 3; // batch 1 of epoch 2: mid-epoch
        var (_, expectedW, _) = TrainUntil(null, StopAfter, asked: true);
        var threads = new ThreadRanks(2);
        // Only rank 1 is asked, between steps 2 and 3: its flag rides in step 3's all-reduce.
        var runs = threads.Run(rank => TrainUntil(rank, StopAfter, asked: rank.Rank == 1));
        for (int r = 0; r < 2; r++)
        {
            var (loop, w, model) = runs[r];
            Assert.True(loop.StoppedByRequest, $"rank {r}");
            Assert.Equal(new TrainingState(2, 1, StopAfter, 5), loop.State);
            Assert.Equal(Enumerable.Repeat(model.Session.Parameters.Size + 2, StopAfter), threads.Ranks[r].FloatReductions);
            Assert.Equal(expectedW, w, (a, b) => Math.Abs(a - b) <= 1e-5f * Math.Max(1, Math.Abs(a)));
        }
    }

    // Trains for Epochs epochs; when `asked`, this process's token is cancelled after step stopAfter − 1 (one process
    // then stops after stopAfter − 1 steps, so it is cancelled one step later to stop at the same point).
    private static (TrainingLoop Loop, float[] W, Model Model) TrainUntil(ICommunicator? ranks, int stopAfter, bool asked)
    {
        var model = new Model(ranks);
        using var stop = new CancellationTokenSource();
        var loop = new TrainingLoop(model.Session, model.TrainOp, model.Loss,
            new TrainingLoopOptions { Epochs = Epochs, BatchSize = GlobalBatch, ShuffleSeed = 5, Communicator = ranks });
        long cancelAt = ranks is null ? stopAfter : stopAfter - 1;
        loop.Progress = p => { if (asked && p.Step == cancelAt) stop.Cancel(); };
        var history = loop.Fit(new Source(model), stop.Token);
        Assert.False(history[^1].Completed);
        return (loop, model.Session.Read(model.W).ToFloatArray(), model);
    }
}
