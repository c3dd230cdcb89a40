using System.Globalization;
using RnnNative.Data;
using RnnNative.Training;

namespace RnnNative.Cli;

/// <summary>
/// The end of <c>rnn train</c>: the chosen model (<c>best.ckpt</c>) is restored and scored on the test set once;
/// the result is added to <c>best.ckpt</c>'s metadata so <c>rnn eval</c> on it reproduces the figure.
/// </summary>
internal static class ChosenModel
{
    /// <summary>Restores <paramref name="bestPath"/> into <paramref name="session"/> and evaluates it on <paramref name="test"/>.</summary>
    public static Evaluation ScoreOnTest(string bestPath, Session session, Evaluator evaluator, Dataset test)
    {
        var best = Checkpoint.Load(bestPath);
        best.Restore(session, bestPath);
        var result = evaluator.Evaluate(test);
        var meta = new Dictionary<string, string>(best.Metadata)
        {
            [Meta.TestLoss] = result.Loss.ToString("R", CultureInfo.InvariantCulture),
            [Meta.TestAccuracy] = result.Accuracy.ToString("R", CultureInfo.InvariantCulture),
            [Meta.TestCorrect] = result.Correct.ToString(CultureInfo.InvariantCulture),
            [Meta.TestCount] = result.Count.ToString(CultureInfo.InvariantCulture),
        };
        new Checkpoint(best.ModelKind, best.OptionsJson, best.Variables, meta).Save(bestPath);
        return result;
    }

    /// <summary>"95.83% (345/360)".</summary>
    public static string Describe(Evaluation e) =>
        string.Create(CultureInfo.InvariantCulture, $"{100 * e.Accuracy:F2}% ({e.Correct}/{e.Count})");
}
