using RnnNative.Data;
using RnnNative.Distributed;
using RnnNative.Training;

namespace RnnNative.Tests.Training;

/// <summary>The loop on rank r of N, in process: every other rank is taken to hold the same values as this one.</summary>
public partial class TrainingLoopTests
{
    /// <summary>Rank <paramref name="rank"/> of <paramref name="size"/> whose peers mirror it: a sum is N·x, a mean is x, and it counts the calls.</summary>
    private sealed class MirrorCommunicator(int rank, int size) : ICommunicator
    {
        public int Rank => rank;
        public int Size => size;
        public bool IsRoot => rank == 0;
        public int LossMeans, Sums;
        public void AllReduceSum(Span<float> data) { foreach (ref float v in data) v *= size; }
        public void AllReduceSum(Span<double> data) { Sums++; foreach (ref double v in data) v *= size; }
        public void AllReduceMean(Span<float> data) => LossMeans++;
        public void Broadcast(Span<float> data, int root = 0) { }
        public void Barrier() { }
        public void Abort(int code) => throw new InvalidOperationException($"abort {code}");
    }

    [Fact]
    public void EachRankTrainsOnItsSliceOfEveryGlobalBatchInTheOneProcessOrder()
    {
        var one = new Regression();
        var whole = new RecordingSource(one, count: 10);
        one.Loop(new TrainingLoopOptions { Epochs = 2, BatchSize = 4, ShuffleSeed = 3 }).Fit(whole);
        var ranks = new MirrorCommunicator(1, 2);
        var model = new Regression();
        var slice = new RecordingSource(model, count: 10);
        var progress = new List<TrainingProgress>();
        var loop = model.Loop(new TrainingLoopOptions { Epochs = 2, BatchSize = 4, ShuffleSeed = 3, Communicator = ranks });
        loop.Progress = progress.Add;
        loop.Fit(slice);
        Assert.Equal(whole.Batches.Count, slice.Batches.Count); // 10 = 4 + 4 + 2: the last batch splits 1 + 1
        for (int b = 0; b < whole.Batches.Count; b++)
            Assert.Equal(whole.Batches[b][(whole.Batches[b].Length / 2)..], slice.Batches[b]);
        Assert.Equal(6, ranks.LossMeans); // one loss mean per step
        Assert.Equal([4, 8, 10], progress.Take(3).Select(p => p.Samples / 2)); // global examples (2 items each), not this rank's 2, 4, 5
    }

    [Fact]
    public void ALastBatchTheRanksCannotSplitEvenlyIsDropped()
    {
        var model = new Regression();
        var source = new RecordingSource(model, count: 11); // 4 + 4 + 3: the 3 cannot be split in two equal slices
        var result = model.Loop(new TrainingLoopOptions { Epochs = 1, BatchSize = 4, Communicator = new MirrorCommunicator(0, 2) }).Fit(source);
        Assert.Equal(2, result[0].Batches);
        Assert.All(source.Batches, b => Assert.Equal(2, b.Length));
    }

    [Fact]
    public void ADistributedLoopAllocatesNothingPerStepBeyondWhatTheSessionRunReturns()
    {
        var model = new Regression();
        var source = new RecordingSource(model, count: 128); // 16 steps per epoch: both runs stay in epoch 1
        var ranks = new MirrorCommunicator(0, 2);
        TrainingLoopOptions Options(int steps) => new() { Epochs = null, MaxSteps = steps, BatchSize = 8, Communicator = ranks };
        var (a, b) = (model.Loop(Options(5)), model.Loop(Options(15)));
        a.Fit(source);
        b.Fit(source);
        source.Batches.Capacity = 1000;
        static long Allocated(Action run)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            run();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        long tenLoopSteps = Allocated(() => b.Fit(source)) - Allocated(() => a.Fit(source));
        var feeds = source.Fill([0, 1, 2, 3]).Feeds;
        Node[] fetches = [model.TrainOp, model.Loss];
        long tenRuns = Allocated(() => { for (int k = 0; k < 10; k++) model.Session.Run(fetches, feeds); });
        long tenRecords = Allocated(() => { for (int k = 0; k < 10; k++) source.Batches.Add(new int[4]); });
        Assert.Equal(tenRuns + tenRecords, tenLoopSteps);
        var averager = new GradientAverager(ranks);
        var slab = new float[1000];
        averager.Reduce(slab);
        Assert.Equal(0, Allocated(() => { for (int k = 0; k < 10; k++) averager.Reduce(slab); }));
        Assert.Equal(11, averager.Calls);
    }
}
