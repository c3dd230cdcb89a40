using RnnNative.Data;
using RnnNative.Training;

namespace RnnNative.Cli;

/// <summary>
/// An <see cref="Evaluator"/> run with the <see cref="ProgressDisplay"/> when the data set is more than a handful of
/// batches: the set is evaluated in consecutive chunks of whole batches (the same batches as in one call, so the
/// same predictions, counts and probabilities) and the display advances after each chunk.
/// </summary>
internal static class EvaluationProgress
{
    /// <summary>Up to this many batches run in one call, with no display.</summary>
    public const int Handful = 5;

    /// <summary>The display is advanced at most this many times.</summary>
    private const int MaxChunks = 100;

    /// <summary>
    /// <see cref="Evaluator.Evaluate"/> with progress. The loss is the count-weighted mean of the chunks' losses
    /// (equal to one call's up to the rounding of the sum).
    /// </summary>
    public static Evaluation Evaluate(Evaluator evaluator, Dataset data, bool withPredictions, ProgressDisplay display)
    {
        var chunks = Chunks(evaluator, data.Count);
        if (chunks.Count <= 1 || Batches(evaluator, data.Count) <= Handful) return evaluator.Evaluate(data, withPredictions);
        int[]? predictions = withPredictions ? new int[data.Count] : null;
        double lossSum = 0;
        int correct = 0;
        display.Run(() =>
        {
            foreach (var (start, count) in chunks)
            {
                var part = evaluator.Evaluate(Slice(data, start, count), withPredictions);
                lossSum += part.Loss * part.Count;
                correct += part.Correct;
                part.Predictions?.CopyTo(predictions!, start);
                display.Report(start + count, data.Count);
            }
            return 0;
        });
        return new Evaluation(data.Count == 0 ? double.NaN : lossSum / data.Count, correct, data.Count, predictions);
    }

    /// <summary><see cref="Evaluator.Probabilities"/> with progress: (N, classes) probabilities.</summary>
    public static float[] Probabilities(Evaluator evaluator, Dataset data, int classes, ProgressDisplay display)
    {
        var chunks = Chunks(evaluator, data.Count);
        if (chunks.Count <= 1 || Batches(evaluator, data.Count) <= Handful) return evaluator.Probabilities(data);
        var result = new float[(long)data.Count * classes];
        display.Run(() =>
        {
            foreach (var (start, count) in chunks)
            {
                evaluator.Probabilities(Slice(data, start, count)).CopyTo(result, (long)start * classes);
                display.Report(start + count, data.Count);
            }
            return 0;
        });
        return result;
    }

    private static int Batches(Evaluator evaluator, int count) => (count + evaluator.BatchSize - 1) / evaluator.BatchSize;

    // Consecutive (start, count) ranges of whole batches, at most MaxChunks of them.
    private static List<(int Start, int Count)> Chunks(Evaluator evaluator, int count)
    {
        int batches = Batches(evaluator, count);
        int size = evaluator.BatchSize * ((batches + MaxChunks - 1) / MaxChunks);
        var chunks = new List<(int, int)>();
        for (int start = 0; start < count; start += size) chunks.Add((start, Math.Min(size, count - start)));
        return chunks;
    }

    private static Dataset Slice(Dataset data, int start, int count)
    {
        var indices = new int[count];
        for (int i = 0; i < count; i++) indices[i] = start + i;
        return data.Subset(indices);
    }
}
