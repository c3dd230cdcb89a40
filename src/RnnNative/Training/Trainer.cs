using System.Diagnostics;
using RnnNative.Data;
using RnnNative.Models;

namespace RnnNative.Training;

/// <summary>
/// Trains a <see cref="SequenceClassifier"/> for epochs of seeded, shuffled mini-batches and evaluates it
/// after each epoch: the lecture's loop, <c>sess.run([training_op, loss], feed_dict)</c> per batch.
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
    private readonly SequenceClassifier _model;
    private readonly Session _session;
    private readonly BatchFeeds _feeds;
    private readonly Node[] _stepFetches;
    private readonly Stopwatch _clock = new();

    /// <summary>Creates a trainer for <paramref name="model"/> running in <paramref name="session"/>.</summary>
    public Trainer(SequenceClassifier model, Session session, TrainerOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Epochs);
        _model = model;
        _session = session;
        Options = options;
        _feeds = new BatchFeeds(model);
        _stepFetches = [model.TrainOp, model.Loss];
        Evaluator = new Evaluator(model, session, options.EffectiveEvalBatchSize);
    }

    /// <summary>Epochs, batch size, seed.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The evaluator used on the test set after each epoch.</summary>
    public Evaluator Evaluator { get; }

    /// <summary>Called after every training batch (on the training thread).</summary>
    public Action<TrainingProgress>? Progress { get; set; }

    /// <summary>Called after every epoch once it is evaluated (e.g. to save a checkpoint).</summary>
    public Action<EpochMetrics>? EpochCompleted { get; set; }

    /// <summary>Runs <see cref="TrainerOptions.Epochs"/> epochs, or fewer when cancelled; returns their metrics.</summary>
    /// <param name="train">Training examples.</param>
    /// <param name="test">Examples evaluated after each epoch; null for none (test figures are NaN).</param>
    /// <param name="cancellation">Stops training after the current batch.</param>
    public IReadOnlyList<EpochMetrics> Fit(Dataset train, Dataset? test, CancellationToken cancellation = default)
    {
        BatchFeeds.CheckShape(_model, train, "training");
        if (test is not null) BatchFeeds.CheckShape(_model, test, "test");
        if (train.Count == 0) throw new ArgumentException("The training set is empty.", nameof(train));
        var batcher = new Batcher(train.Count, Options.BatchSize, Options.ShuffleSeed);
        var history = new List<EpochMetrics>();
        _clock.Restart();
        for (int epoch = 1; epoch <= Options.Epochs && !cancellation.IsCancellationRequested; epoch++)
        {
            var (loss, rate, completed) = TrainEpoch(batcher, train, epoch, cancellation);
            var scores = test is null ? null : Evaluator.Evaluate(test);
            var metrics = new EpochMetrics(epoch, loss, scores?.Loss ?? double.NaN, scores?.Accuracy ?? double.NaN,
                rate, _clock.Elapsed.TotalSeconds, completed);
            history.Add(metrics);
            EpochCompleted?.Invoke(metrics);
        }
        return history;
    }

    // One pass over the shuffled training set; returns the mean batch loss, samples/s and whether it finished.
    private (double MeanLoss, double SamplesPerSecond, bool Completed) TrainEpoch(
        Batcher batcher, Dataset train, int epoch, CancellationToken cancellation)
    {
        batcher.BeginEpoch(epoch - 1);
        long start = Stopwatch.GetTimestamp();
        double lossSum = 0, rate = 0;
        int batches = batcher.BatchesPerEpoch, samples = 0, done = 0;
        while (done < batches)
        {
            var set = _feeds.Fill(batcher, train, done);
            var values = _session.Run(_stepFetches, set.Feeds);
            float loss = values[1]!.ToScalar();
            if (!float.IsFinite(loss))
                throw new TrainingDivergedException($"The training loss became {loss} at epoch {epoch}, batch {done + 1}; try a lower learning rate.");
            lossSum += loss;
            samples += set.Size;
            done++;
            rate = samples / Math.Max(Stopwatch.GetElapsedTime(start).TotalSeconds, 1e-9);
            Progress?.Invoke(new TrainingProgress(epoch, done, batches, samples, train.Count, lossSum / done, rate));
            if (cancellation.IsCancellationRequested) break;
        }
        return (lossSum / done, rate, done == batches);
    }
}
