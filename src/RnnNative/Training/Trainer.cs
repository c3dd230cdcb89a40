using RnnNative.Data;
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
/// <see cref="EpochMetrics.Completed"/> = false, and training ends.
/// The caller initialises (or restores) the variables before <see cref="Fit"/>.
/// </remarks>
public sealed class Trainer
{
    /// <summary>The names of the test metrics in <see cref="EpochResult.Metrics"/>.</summary>
    public const string TestLossMetric = "test_loss", TestAccuracyMetric = "test_accuracy";

    private readonly SequenceClassifier _model;
    private readonly DatasetFeeds _feeds;

    /// <summary>Creates a trainer for <paramref name="model"/> running in <paramref name="session"/>.</summary>
    public Trainer(SequenceClassifier model, Session session, TrainerOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Epochs);
        _model = model;
        Options = options;
        _feeds = new DatasetFeeds(model.X, model.Y, model.Lengths);
        Loop = new TrainingLoop(session, model.TrainOp, model.Loss,
            new TrainingLoopOptions { Epochs = options.Epochs, BatchSize = options.BatchSize, ShuffleSeed = options.ShuffleSeed });
        Evaluator = new Evaluator(model, session, options.EffectiveEvalBatchSize);
    }

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

    /// <summary>Runs <see cref="TrainerOptions.Epochs"/> epochs, or fewer when cancelled; returns their metrics.</summary>
    /// <param name="train">Training examples.</param>
    /// <param name="test">Examples evaluated after each epoch; null for none (test figures are NaN).</param>
    /// <param name="cancellation">Stops training after the current batch.</param>
    public IReadOnlyList<EpochMetrics> Fit(Dataset train, Dataset? test, CancellationToken cancellation = default)
    {
        CheckShape(_model, train, "training");
        if (test is not null) CheckShape(_model, test, "test");
        if (train.Count == 0) throw new ArgumentException("The training set is empty.", nameof(train));
        var history = new List<EpochMetrics>();
        Loop.Evaluate = test is null ? null : _ => Scores(test);
        Loop.EpochCompleted = r =>
        {
            var metrics = new EpochMetrics(r.Epoch, r.TrainLoss, r.Metrics.GetValueOrDefault(TestLossMetric, double.NaN),
                r.Metrics.GetValueOrDefault(TestAccuracyMetric, double.NaN), r.SamplesPerSecond, r.ElapsedSeconds, r.Completed);
            history.Add(metrics);
            EpochCompleted?.Invoke(metrics);
        };
        Loop.Fit(_feeds.Over(train), cancellation);
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
