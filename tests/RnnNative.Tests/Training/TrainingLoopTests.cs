using RnnNative.Data;
using RnnNative.Training;
using RnnNative.Tests.Blas;
using RnnNative.Blas;

namespace RnnNative.Tests.Training;

public partial class TrainingLoopTests
{
    // loss = mean((x·w − t)²) over a batch of rows x (B, 2) with targets t (B, 1): a graph that is not a classifier.
    private sealed class Regression
    {
        public Regression(float learningRate = 0.1f, bool adam = false, BlasKind? backend = null)
        {
            Graph = new Graph(7);
            X = Graph.Placeholder("x", new Shape(-1, 2));
            T = Graph.Placeholder("t", new Shape(-1, 1));
            var w = Graph.Variable("w", new Shape(2, 1), Initializer.Zeros);
            Loss = Ops.ReduceMean(Ops.Square(Ops.Subtract(Ops.MatMul(X, w), T)), name: "loss");
            TrainOp = adam ? new AdamOptimizer(learningRate).Minimize(Loss) : new GradientDescentOptimizer(learningRate).Minimize(Loss);
            Session = new Session(Graph, new SessionOptions { Backend = backend });
            Session.Run(Graph.GlobalVariablesInitializer());
        }

        public Graph Graph { get; }
        public Placeholder X { get; }
        public Placeholder T { get; }
        public Node Loss { get; }
        public Node TrainOp { get; }
        public Session Session { get; }

        public TrainingLoop Loop(TrainingLoopOptions options, IReadOnlyList<Node>? extra = null) => new(Session, TrainOp, Loss, options, extra);
    }

    // Example n is the row (u, 1), u = n / N, with target 0.5·u + 0.2; records every batch of indices it is asked for.
    private sealed class RecordingSource(Regression model, int count, float poison = 0) : IBatchSource
    {
        private readonly BatchFeeds _feeds = new BatchFeeds().Add(model.X).Add(model.T);

        public List<int[]> Batches { get; } = [];
        public List<float> ExtraValues { get; } = [];
        public int Count => count;
        public int ItemsPerExample => 2;

        public FeedBatch Fill(ReadOnlySpan<int> indices)
        {
            Batches.Add(indices.ToArray());
            var batch = _feeds.For(indices.Length);
            float[] x = batch.Floats(model.X), t = batch.Floats(model.T);
            for (int k = 0; k < indices.Length; k++)
            {
                float u = indices[k] / (float)count;
                (x[2 * k], x[2 * k + 1], t[k]) = (u + poison, 1f, 0.5f * u + 0.2f);
            }
            return batch;
        }

        public void StepCompleted(FeedBatch batch, ReadOnlySpan<Tensor?> extraValues)
        {
            if (extraValues.Length > 0) ExtraValues.Add(extraValues[0]!.ToScalar());
        }
    }

    [Fact]
    public void AStepBudgetRunsAcrossEpochsInEachEpochsSeededOrder()
    {
        var model = new Regression();
        var source = new RecordingSource(model, count: 10);
        var loop = model.Loop(new TrainingLoopOptions { Epochs = null, MaxSteps = 7, BatchSize = 3, ShuffleSeed = 5, DropLastPartialBatch = true });
        var history = loop.Fit(source);

        // 3 full batches per epoch (the tenth example dropped): epochs 1 and 2 complete, 1 batch of epoch 3.
        Assert.Equal([(1, 3, true), (2, 3, true), (3, 1, false)], history.Select(r => (r.Epoch, r.Batches, r.Completed)));
        Assert.Equal(new TrainingState(3, 1, 7, 5), loop.State);
        Assert.True(loop.BudgetSpent);
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            int[] order = Shuffle.Permutation(10, Shuffle.EpochSeed(5, epoch - 1));
            int[] seen = source.Batches.Skip(3 * (epoch - 1)).Take(3).SelectMany(b => b).ToArray();
            Assert.Equal(order[..seen.Length], seen);
        }
        Assert.All(source.Batches, b => Assert.Equal(3, b.Length));
    }

    [Fact]
    public void ProgressComesAfterEveryStepAndTheEpochLossIsTheMeanOfItsBatchLosses()
    {
        var model = new Regression();
        var source = new RecordingSource(model, count: 7);
        var loop = model.Loop(new TrainingLoopOptions { Epochs = 2, BatchSize = 3 }, extra: [model.Loss]);
        var progress = new List<TrainingProgress>();
        loop.Progress = progress.Add;
        var history = loop.Fit(source);

        // 7 examples in batches of 3, 3, 1; 2 items per example.
        Assert.Equal(Enumerable.Range(1, 6).Select(s => (long)s), progress.Select(p => p.Step));
        Assert.All(progress, p => Assert.Equal(6, p.PlannedSteps));
        Assert.Equal([6, 12, 14, 6, 12, 14], progress.Select(p => p.Samples));
        Assert.All(progress, p => Assert.Equal(14, p.SamplesPerEpoch));
        Assert.Equal(progress.Select(p => (float)p.Loss), source.ExtraValues); // the extra fetch is the loss itself
        for (int e = 0; e < 2; e++)
        {
            var batches = progress.Skip(3 * e).Take(3).ToArray();
            Assert.Equal(batches.Average(p => p.Loss), history[e].TrainLoss, 12);
            Assert.Equal(history[e].TrainLoss, batches[^1].MeanLoss, 12);
        }
        Assert.True(history[1].TrainLoss < history[0].TrainLoss, $"{history[0].TrainLoss} -> {history[1].TrainLoss}");
    }

    [Fact]
    public void CancellationStopsAfterTheBatchAndThatEpochIsStillEvaluatedAndReported()
    {
        var model = new Regression();
        var source = new RecordingSource(model, count: 12);
        var loop = model.Loop(new TrainingLoopOptions { Epochs = 5, BatchSize = 3 });
        using var stop = new CancellationTokenSource();
        loop.Progress = p =>
        {
            if (p.Step == 6) stop.Cancel();
        };
        int evaluated = 0;
        loop.Evaluate = r => new Dictionary<string, double> { ["evaluations"] = ++evaluated };
        var reported = new List<EpochResult>();
        loop.EpochCompleted = reported.Add;
        var history = loop.Fit(source, stop.Token);

        Assert.Equal([(1, 4, true), (2, 2, false)], history.Select(r => (r.Epoch, r.Batches, r.Completed)));
        Assert.Equal(history, reported);
        Assert.Equal([1.0, 2.0], history.Select(r => r.Metrics["evaluations"]));
        Assert.Equal(6, source.Batches.Count);
    }

    [Fact]
    public void ANonFiniteLossStopsTrainingNamingWhereItHappened()
    {
        var model = new Regression();
        var source = new RecordingSource(model, count: 6, poison: float.NaN);
        var e = Assert.Throws<TrainingDivergedException>(() => model.Loop(new TrainingLoopOptions { Epochs = 1, BatchSize = 2 }).Fit(source));
        Assert.Contains("became NaN at epoch 1, batch 1 (step 1)", e.Message);
    }

    [Fact]
    public void AnUpdateThatMakesTheWeightsNonFiniteStopsTrainingBeforeAnyEvaluationOrSave()
    {
        // Step 1's loss (before the update) is finite; the update w −= 1e38·∂L/∂w with |∂L/∂w₀| ≈ 6 overflows w₀.
        var model = new Regression(learningRate: 1e38f);
        var source = new RecordingSource(model, count: 2, poison: 10);
        var loop = model.Loop(new TrainingLoopOptions { Epochs = 1, BatchSize = 2 });
        int callbacks = 0;
        loop.Evaluate = _ => { callbacks++; return new Dictionary<string, double>(); };
        loop.EpochCompleted = _ => callbacks++;
        var e = Assert.Throws<TrainingDivergedException>(() => loop.Fit(source));
        Assert.Contains("epoch 1, batch 1 (step 1) made 'w'", e.Message);
        Assert.Equal(0, callbacks);
        Assert.Equal(0, loop.State.Step);
    }

    [Fact]
    public void ANonFiniteEvaluatedLossStopsTrainingBeforeTheEpochCallback()
    {
        var model = new Regression();
        var loop = model.Loop(new TrainingLoopOptions { Epochs = 2, BatchSize = 2 });
        int saved = 0;
        loop.Evaluate = r => new Dictionary<string, double> { ["test_accuracy"] = 0.5, ["test_loss"] = r.Epoch == 2 ? double.NaN : 1 };
        loop.EpochCompleted = _ => saved++;
        var e = Assert.Throws<TrainingDivergedException>(() => loop.Fit(new RecordingSource(model, count: 4)));
        Assert.Contains("after epoch 2 evaluates to test_loss NaN", e.Message);
        Assert.Equal(1, saved);
    }

    [Fact]
    public void DivergenceWatchWarnsOnceWhenTheLossPassesTenTimesTheReference()
    {
        var watch = new DivergenceWatch(referenceLoss: 2.3);
        Assert.Null(watch.Observe(1, 2.0)); // reference becomes min(2.3, 2.0) = 2.0
        Assert.Null(watch.Observe(2, 20.0));
        Assert.Contains("train loss 20.5 at epoch 3 is more than 10x the reference 2", watch.Observe(3, 20.5));
        Assert.Null(watch.Observe(4, 1e9));
        Assert.Contains("reference 2.3", new DivergenceWatch(2.3).Observe(1, 1e8));
        Assert.Null(new DivergenceWatch(double.NaN).Observe(1, 1e8)); // no reference yet: the first epoch sets it
    }

    [BackendTheory(BlasKind.Managed)]
    [InlineData(1)]  // after the first batch
    [InlineData(6)]  // mid-epoch (epoch 2, batch 2 of 4)
    [InlineData(8)]  // after the last batch of epoch 2
    public void ARunStoppedAtAnyBatchAndContinuedInANewSessionEndsBitIdentical(int stopAfterStep) =>
        StopAndContinue(stopAfterStep, BlasKind.Managed);

    [BackendTheory(BlasKind.OpenBlas)]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(8)]
    public void ARunStoppedAtAnyBatchAndContinuedInANewSessionEndsBitIdenticalOnOpenBlas(int stopAfterStep) =>
        StopAndContinue(stopAfterStep, BlasKind.OpenBlas);

    private static void StopAndContinue(int stopAfterStep, BlasKind backend)
    {
        var options = new TrainingLoopOptions { Epochs = 3, BatchSize = 3, ShuffleSeed = 11 };
        var whole = new Regression(learningRate: 0.05f, adam: true, backend: backend);
        whole.Loop(options).Fit(new RecordingSource(whole, count: 10));

        var first = new Regression(learningRate: 0.05f, adam: true, backend: backend);
        using var stop = new CancellationTokenSource();
        var loop = first.Loop(options);
        loop.Progress = p => { if (p.Step == stopAfterStep) stop.Cancel(); };
        loop.Fit(new RecordingSource(first, count: 10), stop.Token);
        Assert.Equal(stopAfterStep, loop.State.Step);

        // A new session on the same graph gets every variable, Adam's moments and step count, and the loop state.
        using var resumed = new Session(first.Graph, new SessionOptions { Backend = backend });
        foreach (var v in first.Session.Parameters.Variables) resumed.Assign(v, first.Session.Read(v));
        OptimizerState.Restore(resumed, first.TrainOp, OptimizerState.Capture(first.Session, first.TrainOp));
        var source = new RecordingSource(first, count: 10);
        var rest = new TrainingLoop(resumed, first.TrainOp, first.Loss, options).Continue(source, loop.State);
        Assert.Equal(3, rest[^1].Epoch);
        Assert.Equal(12 - stopAfterStep, source.Batches.Count);

        var expected = whole.Session.Parameters;
        Assert.Equal(expected.Values.Select(BitConverter.SingleToInt32Bits), resumed.Parameters.Values.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void FiniteCheckFindsTheFirstNonFiniteValueAtEveryLengthAndPosition()
    {
        for (int length = 0; length <= 257; length++)
        {
            var values = Enumerable.Range(0, length).Select(i => (float)i - 3.5f).ToArray();
            Assert.Equal(-1, FiniteCheck.FirstNonFinite(values));
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
                for (int i = 0; i < length; i++)
                {
                    var copy = (float[])values.Clone();
                    copy[i] = bad;
                    copy[^1] = i == length - 1 ? bad : float.NaN; // a later non-finite value must not win
                    Assert.Equal(i, FiniteCheck.FirstNonFinite(copy));
                }
        }
    }

    [Fact]
    public void BadOptionsAndDataAreRejected()
    {
        var model = new Regression();
        Assert.Throws<ArgumentException>(() => model.Loop(new TrainingLoopOptions { Epochs = null, MaxSteps = null }));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Loop(new TrainingLoopOptions { BatchSize = 0 }));
        var dropAll = model.Loop(new TrainingLoopOptions { BatchSize = 8, DropLastPartialBatch = true });
        var e = Assert.Throws<ArgumentException>(() => dropAll.Fit(new RecordingSource(model, count: 5)));
        Assert.Contains("5 examples, fewer than one batch of 8", e.Message);
        Assert.Throws<ArgumentException>(() => dropAll.Fit(new RecordingSource(model, count: 0)));
    }

    [Fact]
    public void TheLoopAllocatesNothingPerStepBeyondWhatTheSessionRunReturns()
    {
        var model = new Regression();
        var source = new RecordingSource(model, count: 64);
        var (shortRun, longRun) = (Options(5), Options(15));
        TrainingLoopOptions Options(int steps) => new() { Epochs = null, MaxSteps = steps, BatchSize = 4 };
        var (a, b) = (model.Loop(shortRun), model.Loop(longRun));
        a.Fit(source);
        b.Fit(source); // batchers, buffers, JIT
        source.Batches.Capacity = 1000;
        long Allocated(Action run)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            run();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        long tenLoopSteps = Allocated(() => b.Fit(source)) - Allocated(() => a.Fit(source));

        var feeds = source.Fill([0, 1, 2, 3]).Feeds;
        Node[] fetches = [model.TrainOp, model.Loss];
        long tenRuns = Allocated(() =>
        {
            for (int k = 0; k < 10; k++) model.Session.Run(fetches, feeds);
        });
        long tenRecords = Allocated(() =>
        {
            for (int k = 0; k < 10; k++) source.Batches.Add(new int[4]);
        });
        Assert.Equal(tenRuns + tenRecords, tenLoopSteps);
    }
}
