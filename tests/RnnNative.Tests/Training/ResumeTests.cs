using RnnNative.Blas;
using RnnNative.Data;
using RnnNative.Models;
using RnnNative.Tests.Blas;
using RnnNative.Tests.Data;
using RnnNative.Training;

namespace RnnNative.Tests.Training;

/// <summary>
/// Exact resume through the library: a <see cref="Trainer"/> run with dropout, a validation set and early stopping,
/// stopped after step k, saved as a checkpoint with its <see cref="ResumeState"/>, loaded into a new model and
/// session and continued, ends bit-identical (weights, Adam's moments and step, every epoch's figures, early
/// stopping's counters) to the same run never stopped.
/// </summary>
public class ResumeTests
{
    private const int Epochs = 4, Batch = 32; // 100 examples: 4 batches an epoch (the last of 4), 16 steps

    private static readonly Dataset Train = TrainerTests.Synthetic(100, 1), Validation = TrainerTests.Synthetic(40, 2);

    private static readonly SequenceClassifierOptions ModelOptions = new()
    {
        Steps = 4, Inputs = 3, Units = 12, Classes = 3, LearningRate = 0.02f, Seed = 1, Dropout = 0.25f,
    };

    private sealed class Run : IDisposable
    {
        public readonly SequenceClassifier Model = new(ModelOptions);
        public readonly Session Session;
        public readonly Trainer Trainer;
        public readonly EarlyStopping Stopping = new(patience: 3);
        public readonly List<EpochMetrics> History = [];

        public Run(BlasKind backend)
        {
            Session = new Session(Model.Graph, new SessionOptions { Backend = backend, Threads = 1 });
            Session.Run(Model.Graph.GlobalVariablesInitializer());
            Trainer = new Trainer(Model, Session, new TrainerOptions { Epochs = Epochs, BatchSize = Batch, ShuffleSeed = 9 });
        }

        public void Fit(CancellationToken cancellation = default) =>
            History.AddRange(Trainer.FitWithValidation(Train, Validation, Stopping, cancellation));

        public void Dispose() => Session.Dispose();
    }

    private static int[] Bits(IEnumerable<float> values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    private static void StopResumeAndCompare(BlasKind backend, int stopAfterStep)
    {
        using var whole = new Run(backend);
        whole.Fit();

        using var first = new Run(backend);
        using var stop = new CancellationTokenSource();
        first.Trainer.Progress = p => { if (p.Step == stopAfterStep) stop.Cancel(); };
        first.Fit(stop.Token);
        Assert.Equal(stopAfterStep, first.Trainer.Loop.State.Step);
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "resume.ckpt");
        Checkpoint.Capture(first.Session, ModelOptions).WithResume(first.Trainer.CaptureResumable(first.Stopping)).Save(path);

        var saved = Checkpoint.Load(path);
        using var second = new Run(backend);
        saved.Restore(second.Session);
        second.Trainer.Restore(saved.Resume!, second.Stopping);
        second.Fit();

        Assert.Equal(Bits(whole.Session.Parameters.Values), Bits(second.Session.Parameters.Values));
        var expected = OptimizerState.Capture(whole.Session, whole.Model.TrainOp);
        var actual = OptimizerState.Capture(second.Session, second.Model.TrainOp);
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(Bits(expected.Slot0), Bits(actual.Slot0));
        Assert.Equal(Bits(expected.Slot1), Bits(actual.Slot1));
        Assert.Equal(whole.Stopping.Capture(), second.Stopping.Capture());
        // Every epoch's figures as in the run never stopped (the cut-short epoch is replaced by its finished self).
        var joined = first.History.Where(m => m.Completed).Concat(second.History).ToList();
        Assert.Equal(whole.History.Select(Figures), joined.Select(Figures));
    }

    private static (int, double, double, double, bool) Figures(EpochMetrics m) => (m.Epoch, m.TrainLoss, m.ValidationLoss, m.ValidationAccuracy, m.IsBest);

    [BackendTheory(BlasKind.Managed)]
    [InlineData(1)]   // after the first batch
    [InlineData(4)]   // exactly at the end of epoch 1
    [InlineData(6)]   // mid-epoch 2
    [InlineData(13)]  // the first batch of the last epoch
    public void ARunStoppedAtStepKAndResumedFromItsCheckpointEndsBitIdentical(int k) => StopResumeAndCompare(BlasKind.Managed, k);

    [BackendTheory(BlasKind.OpenBlas)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(13)]
    public void ARunStoppedAtStepKAndResumedEndsBitIdenticalOnOpenBlas(int k) => StopResumeAndCompare(BlasKind.OpenBlas, k);

    [BackendTheory(BlasKind.Mkl)]
    [InlineData(6)]
    [InlineData(13)]
    public void ARunStoppedAtStepKAndResumedEndsBitIdenticalOnMkl(int k) => StopResumeAndCompare(BlasKind.Mkl, k);

    [Fact]
    public void AResumedRunWithoutTheDropoutCountsDrawsOtherMasksAndEndsElsewhere()
    {
        // The control: the dropout counts are part of the state (resetting them changes the masks, hence the weights).
        using var whole = new Run(BlasKind.Managed);
        whole.Fit();
        using var first = new Run(BlasKind.Managed);
        using var stop = new CancellationTokenSource();
        first.Trainer.Progress = p => { if (p.Step == 6) stop.Cancel(); };
        first.Fit(stop.Token);
        var state = first.Trainer.CaptureResumable(first.Stopping);
        Assert.Equal(6, Assert.Single(state.DropoutSteps).Value);
        using var second = new Run(BlasKind.Managed);
        Checkpoint.Capture(first.Session, ModelOptions).Restore(second.Session);
        second.Trainer.Restore(state with { DropoutSteps = state.DropoutSteps.ToDictionary(p => p.Key, _ => 0L) }, second.Stopping);
        second.Fit();
        Assert.NotEqual(Bits(whole.Session.Parameters.Values), Bits(second.Session.Parameters.Values));
    }

    [Fact]
    public void RestoreRefusesAStateOfAnotherSeedOrWithoutItsEarlyStopping()
    {
        using var run = new Run(BlasKind.Managed);
        var state = run.Trainer.CaptureResumable(run.Stopping);
        var otherSeed = state with { Position = state.Position with { ShuffleSeed = 10 } };
        Assert.Contains("shuffle seed 10", Assert.Throws<ArgumentException>(() => run.Trainer.Restore(otherSeed, run.Stopping)).Message);
        Assert.Contains("EarlyStopping", Assert.Throws<ArgumentException>(() => run.Trainer.Restore(state)).Message);
    }
}
