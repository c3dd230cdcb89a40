using System.Numerics.Tensors;
using RnnNative.Data;
using RnnNative.Models;

namespace RnnNative.Training;

/// <summary>
/// Evaluates a <see cref="SequenceClassifier"/> on a data set in fixed-size batches, in order: mean loss,
/// accuracy by the model's <c>in_top_k</c>, and optionally the arg-max prediction per example.
/// </summary>
/// <remarks>
/// The same weights, batch size and backend give bit-identical results, which is what lets <c>rnn eval</c>
/// reproduce the accuracy printed at the end of training.
/// </remarks>
public sealed class Evaluator
{
    private readonly SequenceClassifier _model;
    private readonly Session _session;
    private readonly DatasetFeeds _feeds;
    private readonly Node[] _scoreFetches;
    private readonly Node[] _predictFetches;

    /// <summary>Creates an evaluator running <paramref name="model"/> in <paramref name="session"/>.</summary>
    public Evaluator(SequenceClassifier model, Session session, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _model = model;
        _session = session;
        _feeds = new DatasetFeeds(model.X, model.Y, model.Lengths);
        _scoreFetches = [model.Loss, model.Correct];
        _predictFetches = [model.Loss, model.Correct, model.Logits];
        BatchSize = batchSize;
    }

    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Evaluates every example of <paramref name="data"/>.</summary>
    /// <param name="data">The examples; shape must match the model.</param>
    /// <param name="withPredictions">Also return the arg-max class of each example.</param>
    public Evaluation Evaluate(Dataset data, bool withPredictions = false)
    {
        Trainer.CheckShape(_model, data, "evaluation");
        var batcher = new Batcher(data.Count, BatchSize, seed: 0, shuffle: false);
        int[]? predictions = withPredictions ? new int[data.Count] : null;
        double lossSum = 0;
        int correct = 0, done = 0;
        for (int b = 0; b < batcher.BatchesPerEpoch; b++)
        {
            var set = _feeds.Fill(data, batcher.BatchIndices(b));
            var values = _session.Run(withPredictions ? _predictFetches : _scoreFetches, set.Feeds);
            lossSum += (double)values[0]!.ToScalar() * set.Size;
            foreach (float c in values[1]!.Floats!) correct += c != 0 ? 1 : 0;
            if (predictions is not null) ArgMaxRows(values[2]!.Floats!, _model.Options.Classes, predictions.AsSpan(done, set.Size));
            done += set.Size;
        }
        return new Evaluation(data.Count == 0 ? double.NaN : lossSum / data.Count, correct, data.Count, predictions);
    }

    /// <summary>Class probabilities (softmax of the logits) of every example of <paramref name="data"/>: (N, Classes).</summary>
    /// <remarks>Labels are fed but not used; pass any labels below <see cref="SequenceClassifierOptions.Classes"/>.</remarks>
    public float[] Probabilities(Dataset data)
    {
        Trainer.CheckShape(_model, data, "prediction");
        int classes = _model.Options.Classes;
        var batcher = new Batcher(data.Count, BatchSize, seed: 0, shuffle: false);
        var result = new float[(long)data.Count * classes];
        int done = 0;
        for (int b = 0; b < batcher.BatchesPerEpoch; b++)
        {
            var set = _feeds.Fill(data, batcher.BatchIndices(b));
            var logits = _session.Run(_model.Logits, set.Feeds)!.Floats!;
            for (int r = 0; r < set.Size; r++)
                Softmax.Row(logits.AsSpan(r * classes, classes), result.AsSpan((done + r) * classes, classes), out _);
            done += set.Size;
        }
        return result;
    }

    /// <summary>The index of the largest value of each row of <paramref name="logits"/> (rows, classes); first on ties.</summary>
    public static void ArgMaxRows(ReadOnlySpan<float> logits, int classes, Span<int> result)
    {
        for (int r = 0; r < result.Length; r++) result[r] = TensorPrimitives.IndexOfMax(logits.Slice(r * classes, classes));
    }
}
