using RnnNative.Data;
using RnnNative.Distributed;
using RnnNative.Models;

namespace RnnNative.Training;

/// <summary>
/// Trains a <see cref="SequenceClassifier"/> for epochs of seeded, shuffled mini-batches and evaluates it
/// after each epoch: the lecture's loop, <c>sess.run([training_op, loss], feed_dict)</c> per batch, run by a
/// <see cref="TrainingLoop"/> over <see cref="DatasetFeeds"/>.
/// </summary>
/// <remarks>
/// Batch buffers are allocated once and refilled in place. The train loss of an epoch is the mean over its
/// batches of the batch loss, fetched in the same run as the update (so it is the loss before the update).
/// Cancellation is checked after every batch: the epoch stops there, is evaluated and reported with
/// <see cref="EpochMetrics.Completed"/> = false (early stopping does not observe it), and training ends.
/// The caller initialises (or restores) the variables before <see cref="Fit"/>; after <see cref="Restore"/> with a
/// state from <see cref="CaptureResumable"/>, the next fit continues that run exactly.
/// </remarks>
public sealed class Trainer
{
    /// <summary>The names of the test metrics in <see cref="EpochResult.Metrics"/>.</summary>
    public const string TestLossMetric = "test_loss", TestAccuracyMetric = "test_accuracy";

    private readonly SequenceClassifier _model;
    private readonly DatasetFeeds _feeds;
    private readonly Session _session;
    private ResumeState? _resumeFrom;

    /// <summary>Creates a trainer for <paramref name="model"/> running in <paramref name="session"/>.</summary>
    public Trainer(SequenceClassifier model, Session session, TrainerOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Epochs);
        _model = model;
        Options = options;
        _session = session;
        _feeds = new DatasetFeeds(model.X, model.Y, model.Lengths);
        if (model.TrainingFlag is { } training) _feeds.SetFixed(training, Tensor.Wrap([], DType.Bool, [1f], null)); // dropout on in training steps only
        Loop = new TrainingLoop(session, model.TrainOp, model.Loss, new TrainingLoopOptions
        {
            Epochs = options.Epochs, BatchSize = options.BatchSize, ShuffleSeed = options.ShuffleSeed, Communicator = options.Communicator,
        });
        Evaluator = new Evaluator(model, session, options.EffectiveEvalBatchSize) { Communicator = options.Communicator };
        if (options.Communicator is { } ranks) model.Optimizer.GradientReducer = GradientAverager = new GradientAverager(ranks);
    }

    /// <summary>The gradient all-reduce of a run with <see cref="TrainerOptions.Communicator"/> (its time per step), else null.</summary>
    public GradientAverager? GradientAverager { get; }

    /// <summary>Epochs, batch size, seed.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The loop that runs the steps (its position, for a checkpoint).</summary>
    public TrainingLoop Loop { get; }

    /// <summary>The evaluator used on the test set after each epoch.</summary>
    public Evaluator Evaluator { get; }

    /// <summary>Called after every training batch (on the training thread).</summary>
    public Action<TrainingProgress>? Progress
    {
        get => Loop.Progress;
        set => Loop.Progress = value;
    }

    /// <summary>Called after every epoch once it is evaluated (e.g. to save a checkpoint).</summary>
    public Action<EpochMetrics>? EpochCompleted { get; set; }

    /// <summary>
    /// The state an exact resume needs beyond the weights, as it is now: the loop position and the epoch's loss sum,
    /// Adam's moments and step, the dropout masks drawn, and <paramref name="stopping"/>'s counters. Taken after an
    /// epoch (in <see cref="EpochCompleted"/>), after a batch (<see cref="TrainingLoop.BatchCompleted"/>) or after a
    /// cancelled <see cref="Fit"/>; save it with the weights (<see cref="Checkpoint.WithResume"/>).
    /// </summary>
    /// <param name="stopping">The early stopping passed to <see cref="FitWithValidation"/>, if any.</param>
    /// <param name="runOptions">The caller's own pairs to keep with it (e.g. the command line's options).</param>
    public ResumeState CaptureResumable(EarlyStopping? stopping = null, IReadOnlyDictionary<string, string>? runOptions = null) =>
        new(Loop.State, Loop.EpochLossSum, OptimizerState.Capture(_session, _model.TrainOp))
        {
            DropoutSteps = DropoutSteps.Capture(_session),
            Stopping = stopping?.Capture(),
            RunOptions = runOptions ?? new Dictionary<string, string>(),
        };

    /// <summary>
    /// Puts <paramref name="state"/> back: the optimizer's moments and step and the dropout counts into the session,
    /// early stopping's counters into <paramref name="stopping"/>; the next <see cref="Fit"/> or
    /// <see cref="FitWithValidation"/> continues from its position instead of epoch 1. Restore the weights first
    /// (<see cref="Checkpoint.Restore"/>). With the same data and options, the run ends bit-identical to one never stopped.
    /// </summary>
    /// <exception cref="ArgumentException">The state does not fit this model (slot sizes, dropout ops), its shuffle seed is
    /// not <see cref="TrainerOptions.ShuffleSeed"/>, or it holds early stopping counters and <paramref name="stopping"/> is null.</exception>
    public void Restore(ResumeState state, EarlyStopping? stopping = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Position.ShuffleSeed != Options.ShuffleSeed)
            throw new ArgumentException($"The state's shuffle seed {state.Position.ShuffleSeed} is not the trainer's {Options.ShuffleSeed}.", nameof(state));
        if (state.Stopping is not null && stopping is null)
            throw new ArgumentException("The state holds early stopping counters: pass the run's EarlyStopping.", nameof(stopping));
        OptimizerState.Restore(_session, _model.TrainOp, state.Optimizer);
        DropoutSteps.Restore(_session, state.DropoutSteps);
        if (state.Stopping is { } counters) stopping!.Restore(counters);
        _resumeFrom = state;
    }

    /// <summary>Runs <see cref="TrainerOptions.Epochs"/> epochs, or fewer when cancelled; returns their metrics.</summary>
    /// <param name="train">Training examples.</param>
    /// <param name="test">Examples evaluated after each epoch; null for none (test figures are NaN).</param>
    /// <param name="cancellation">Stops training after the current batch.</param>
    public IReadOnlyList<EpochMetrics> Fit(Dataset train, Dataset? test, CancellationToken cancellation = default) =>
        FitCore(train, test, "test", cancellation, (r, m) => m with
        {
            TestLoss = r.Metrics.GetValueOrDefault(TestLossMetric, double.NaN),
            TestAccuracy = r.Metrics.GetValueOrDefault(TestAccuracyMetric, double.NaN),
        });

    /// <summary>
    /// Keras' <c>fit(validation_data=..., callbacks=[EarlyStopping(...)])</c>: trains, evaluates
    /// <paramref name="validation"/> after each epoch (<see cref="EpochMetrics.ValidationLoss"/>,
    /// <see cref="EpochMetrics.ValidationAccuracy"/>; the test figures stay NaN: the test set is for the chosen model,
    /// once), and, with <paramref name="earlyStopping"/>, marks the best epoch (<see cref="EpochMetrics.IsBest"/>) and
    /// ends training when its patience is spent.
    /// </summary>
    public IReadOnlyList<EpochMetrics> FitWithValidation(Dataset train, Dataset validation, EarlyStopping? earlyStopping = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(validation);
        if (validation.Count == 0) throw new ArgumentException("The validation set is empty.", nameof(validation));
        return FitCore(train, validation, "validation", cancellation, (r, m) =>
        {
            var scores = new Dictionary<string, double>
            {
                [EarlyStopping.ValidationLoss] = r.Metrics[TestLossMetric],
                [EarlyStopping.ValidationAccuracy] = r.Metrics[TestAccuracyMetric],
            };
            // An epoch cut short (Ctrl+C) is scored but not observed: it must not change the best epoch or the
            // patience count that a resumed run, which finishes that epoch, goes on with.
            bool best = r.Completed && (earlyStopping?.Observe(r.Epoch, scores) ?? false);
            if (earlyStopping?.ShouldStop == true) Loop.RequestStop();
            return m with { ValidationLoss = scores[EarlyStopping.ValidationLoss], ValidationAccuracy = scores[EarlyStopping.ValidationAccuracy], IsBest = best };
        });
    }

    // Trains on `train`, scores `evaluated` after each epoch and turns each epoch's result into EpochMetrics via `describe`.
    private IReadOnlyList<EpochMetrics> FitCore(Dataset train, Dataset? evaluated, string role, CancellationToken cancellation,
        Func<EpochResult, EpochMetrics, EpochMetrics> describe)
    {
        CheckShape(_model, train, "training");
        if (evaluated is not null) CheckShape(_model, evaluated, role);
        if (train.Count == 0) throw new ArgumentException("The training set is empty.", nameof(train));
        var history = new List<EpochMetrics>();
        Loop.Evaluate = evaluated is null ? null : _ => Scores(evaluated);
        Loop.EpochCompleted = r =>
        {
            var metrics = describe(r, new EpochMetrics(r.Epoch, r.TrainLoss, double.NaN, double.NaN, r.SamplesPerSecond, r.ElapsedSeconds, r.Completed));
            history.Add(metrics);
            EpochCompleted?.Invoke(metrics);
        };
        if (Options.Communicator is { Size: > 1 } ranks) ranks.BroadcastParameters(_session); // every rank starts from rank 0's weights
        var source = _feeds.Over(train);
        if (_resumeFrom is { } start) Loop.Continue(source, start.Position, start.EpochLossSum, cancellation);
        else Loop.Fit(source, cancellation);
        _resumeFrom = null;
        return history;
    }

    private Dictionary<string, double> Scores(Dataset test)
    {
        var scores = Evaluator.Evaluate(test);
        return new() { [TestLossMetric] = scores.Loss, [TestAccuracyMetric] = scores.Accuracy };
    }

    /// <summary>Checks that a data set's shape matches the model's placeholders.</summary>
    internal static void CheckShape(SequenceClassifier model, Dataset data, string role)
    {
        var o = model.Options;
        if (data.Steps != o.Steps || data.Inputs != o.Inputs)
            throw new ArgumentException(
                $"The {role} data are {data.Steps} steps x {data.Inputs} inputs but the model expects {o.Steps} x {o.Inputs}.");
        if (data.Classes > o.Classes)
            throw new ArgumentException($"The {role} data have {data.Classes} classes but the model has {o.Classes} outputs.");
    }
}
