using System.Globalization;
using RnnNative.Models;
using RnnNative.Training;

namespace RnnNative.Cli;

/// <summary>
/// After every epoch of <c>rnn train</c>: saves the checkpoint (and best.ckpt when the epoch is chosen), rewrites
/// <c>metrics.csv</c> and redraws <c>training.png</c>, each atomically, so a crash or Ctrl+C never leaves a
/// half-written file.
/// </summary>
internal sealed class RunRecorder(RunFolder folder, SequenceClassifierOptions options, Session session,
    IReadOnlyDictionary<string, string> dataMetadata, int testCount, int evalBatch)
{
    private readonly List<EpochMetrics> _history = [];
    private double _elapsedBefore;

    /// <summary>
    /// Whether an epoch becomes best.ckpt (default: every epoch, so the last); the test set never decides. An epoch cut
    /// short by Ctrl+C becomes it only when no epoch has yet, so a resumed run's best.ckpt is the uninterrupted run's.
    /// </summary>
    public Func<EpochMetrics, bool> ChoosesBest { get; set; } = _ => true;

    /// <summary>The epoch saved as best.ckpt so far, or null.</summary>
    public EpochMetrics? Best { get; private set; }

    /// <summary>Every epoch so far.</summary>
    public IReadOnlyList<EpochMetrics> History => _history;

    /// <summary>Correct test examples of an epoch (accuracy × count is exact: accuracy = correct / count).</summary>
    public int Correct(EpochMetrics m) => (int)Math.Round(m.TestAccuracy * testCount);

    /// <summary>"95.83% (345/360)".</summary>
    public string Accuracy(EpochMetrics m) => string.Create(CultureInfo.InvariantCulture, $"{100 * m.TestAccuracy:F2}% ({Correct(m)}/{testCount})");

    /// <summary>Continues a resumed run: its completed epochs and chosen one; later epochs' elapsed time counts on from the last.</summary>
    public void Restore(IReadOnlyList<EpochMetrics> history, EpochMetrics? best)
    {
        _history.Clear();
        _history.AddRange(history);
        Best = best;
        _elapsedBefore = history.Count > 0 ? history[^1].ElapsedSeconds : 0;
    }

    public void OnEpoch(EpochMetrics m)
    {
        m = m with { ElapsedSeconds = m.ElapsedSeconds + _elapsedBefore };
        _history.Add(m);
        var checkpoint = Checkpoint.Capture(session, options, Metadata(m));
        checkpoint.Save(folder.Last);
        if (Best is null || (m.Completed && ChoosesBest(m)))
        {
            Best = m;
            checkpoint.Save(folder.Best);
        }
        MetricsCsv.Write(folder.Metrics, _history);
        Charts.Training(_history, folder.Plot);
    }

    private Dictionary<string, string> Metadata(EpochMetrics m)
    {
        var meta = new Dictionary<string, string>(dataMetadata);
        string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        meta[Meta.Epoch] = m.Epoch.ToString(CultureInfo.InvariantCulture);
        meta[Meta.TrainLoss] = R(m.TrainLoss);
        if (!double.IsNaN(m.TestAccuracy))
        {
            meta[Meta.TestLoss] = R(m.TestLoss);
            meta[Meta.TestAccuracy] = R(m.TestAccuracy);
            meta[Meta.TestCorrect] = Correct(m).ToString(CultureInfo.InvariantCulture);
            meta[Meta.TestCount] = testCount.ToString(CultureInfo.InvariantCulture);
        }
        meta["val_loss"] = R(m.ValidationLoss);
        meta["val_accuracy"] = R(m.ValidationAccuracy);
        meta[Meta.EvalBatch] = evalBatch.ToString(CultureInfo.InvariantCulture);
        meta[Meta.Backend] = Backends.Describe(session);
        meta["epoch_completed"] = m.Completed ? "true" : "false";
        meta["created_utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        return meta;
    }
}
