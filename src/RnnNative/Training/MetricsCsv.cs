using System.Globalization;
using System.Text;

namespace RnnNative.Training;

/// <summary>
/// <c>metrics.csv</c>: one row per epoch, <c>epoch,train_loss,test_loss,test_accuracy,samples_per_sec,elapsed_s,completed</c>,
/// invariant culture; losses and accuracy round-trip exactly; an epoch cut short by Ctrl+C is included with
/// <c>completed</c> 0 (1 for a whole epoch).
/// </summary>
public static class MetricsCsv
{
    /// <summary>The header line.</summary>
    public const string Header = "epoch,train_loss,test_loss,test_accuracy,samples_per_sec,elapsed_s,completed";

    /// <summary>The file's text for <paramref name="history"/>.</summary>
    public static string Format(IEnumerable<EpochMetrics> history)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var m in history)
            text.Append(CultureInfo.InvariantCulture,
                $"{m.Epoch},{m.TrainLoss:R},{m.TestLoss:R},{m.TestAccuracy:R},{m.SamplesPerSecond:F1},{m.ElapsedSeconds:F3},{(m.Completed ? 1 : 0)}\n");
        return text.ToString();
    }

    /// <summary>Rewrites <paramref name="path"/> atomically with <paramref name="history"/>.</summary>
    public static void Write(string path, IEnumerable<EpochMetrics> history) =>
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(Format(history)));
}
