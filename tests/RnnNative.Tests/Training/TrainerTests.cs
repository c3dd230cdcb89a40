using RnnNative.Data;
using RnnNative.Models;
using RnnNative.Training;

namespace RnnNative.Tests.Training;

public class TrainerTests
{
    // Class = the input channel with the largest sum over time: learnable, but only by reading every step.
    private static Dataset Synthetic(int count, int seed, int steps = 4, int inputs = 3)
    {
        var rng = new Random(seed);
        var x = new float[count * steps * inputs];
        var y = new int[count];
        for (int n = 0; n < count; n++)
        {
            var sums = new double[inputs];
            for (int t = 0; t < steps; t++)
                for (int i = 0; i < inputs; i++)
                {
                    float v = (float)rng.NextDouble();
                    x[(n * steps + t) * inputs + i] = v;
                    sums[i] += v;
                }
            y[n] = Array.IndexOf(sums, sums.Max());
        }
        return new Dataset(x, y, steps, inputs, classes: inputs);
    }

    private static SequenceClassifier Model(int seed = 1) => new(new SequenceClassifierOptions
    {
        Steps = 4, Inputs = 3, Units = 12, Classes = 3, LearningRate = 0.02f, Seed = seed,
    });

    private static (IReadOnlyList<EpochMetrics> History, List<TrainingProgress> Progress) Fit(
        Dataset train, Dataset test, int epochs, CancellationTokenSource? stopAt = null, int stopAfterBatches = 0)
    {
        var model = Model();
        using var session = new Session(model.Graph);
        session.Run(model.Graph.GlobalVariablesInitializer());
        var trainer = new Trainer(model, session, new TrainerOptions { Epochs = epochs, BatchSize = 32, ShuffleSeed = 9 });
        var progress = new List<TrainingProgress>();
        trainer.Progress = p =>
        {
            progress.Add(p);
            if (progress.Count == stopAfterBatches) stopAt?.Cancel();
        };
        return (trainer.Fit(train, test, stopAt?.Token ?? default), progress);
    }

    [Fact]
    public void TrainingLowersTheLossAndBeatsChance()
    {
        var (history, _) = Fit(Synthetic(300, 1), Synthetic(120, 2), epochs: 15);
        Assert.Equal(Enumerable.Range(1, 15), history.Select(m => m.Epoch));
        Assert.True(history[^1].TrainLoss < 0.6 * history[0].TrainLoss, $"train loss {history[0].TrainLoss} -> {history[^1].TrainLoss}");
        Assert.True(history[^1].TestLoss < 0.6 * history[0].TestLoss, $"test loss {history[0].TestLoss} -> {history[^1].TestLoss}");
        Assert.True(history[^1].TestAccuracy > 0.7, $"test accuracy {history[^1].TestAccuracy} (chance is 1/3)");
        Assert.All(history, m => Assert.True(m.Completed && m.SamplesPerSecond > 0));
    }

    [Fact]
    public void SameSeedsGiveIdenticalHistories()
    {
        var train = Synthetic(100, 3);
        var test = Synthetic(40, 4);
        var a = Fit(train, test, 3).History;
        var b = Fit(train, test, 3).History;
        Assert.Equal(a.Select(m => (m.TrainLoss, m.TestLoss, m.TestAccuracy)), b.Select(m => (m.TrainLoss, m.TestLoss, m.TestAccuracy)));
    }

    [Fact]
    public void ProgressCoversEveryExampleOfEveryEpoch()
    {
        var (_, progress) = Fit(Synthetic(70, 5), Synthetic(10, 6), epochs: 2); // 70 = 32 + 32 + 6
        Assert.Equal(6, progress.Count);
        Assert.Equal([1, 2, 3, 1, 2, 3], progress.Select(p => p.Batch));
        Assert.Equal([32, 64, 70, 32, 64, 70], progress.Select(p => p.Samples));
        Assert.All(progress, p => Assert.Equal(3, p.BatchesPerEpoch));
    }

    [Fact]
    public void CancellationStopsAfterTheCurrentBatchAndStillReportsTheEpoch()
    {
        using var stop = new CancellationTokenSource();
        var (history, progress) = Fit(Synthetic(128, 7), Synthetic(30, 8), epochs: 5, stop, stopAfterBatches: 6);
        Assert.Equal(6, progress.Count); // epoch 1: 4 batches, epoch 2: 2 batches then stop
        Assert.Equal(2, history.Count);
        Assert.True(history[0].Completed);
        Assert.False(history[1].Completed);
        Assert.False(double.IsNaN(history[1].TestAccuracy));
    }

    [Fact]
    public void EvaluationMatchesANaiveDoublePrecisionReference()
    {
        var data = Synthetic(37, 9); // 37 = 2 x 16 + 5: a partial last batch
        var model = Model(seed: 4);
        using var session = new Session(model.Graph);
        session.Run(model.Graph.GlobalVariablesInitializer());
        var result = new Evaluator(model, session, batchSize: 16).Evaluate(data, withPredictions: true);

        var logits = session.Run(model.Logits, new FeedDict { [model.X] = Tensor.FromArray(data.Features, 37, 4, 3) })!.ToFloatArray();
        double loss = 0;
        int correct = 0;
        for (int n = 0; n < 37; n++)
        {
            var z = logits.AsSpan(n * 3, 3).ToArray().Select(v => (double)v).ToArray();
            double logSum = Math.Log(z.Sum(v => Math.Exp(v - z.Max()))) + z.Max();
            loss += logSum - z[data.Labels[n]];
            int argmax = Array.IndexOf(z, z.Max());
            Assert.Equal(argmax, result.Predictions![n]);
            correct += argmax == data.Labels[n] ? 1 : 0;
        }
        Assert.Equal(37, result.Count);
        Assert.Equal(correct, result.Correct);
        Assert.Equal(loss / 37, result.Loss, 1e-5);
    }

    [Fact]
    public void ProbabilitiesAreTheSoftmaxOfTheLogits()
    {
        var data = Synthetic(9, 10);
        var model = Model(seed: 6);
        using var session = new Session(model.Graph);
        session.Run(model.Graph.GlobalVariablesInitializer());
        float[] p = new Evaluator(model, session, batchSize: 4).Probabilities(data);
        var logits = session.Run(model.Logits, new FeedDict { [model.X] = Tensor.FromArray(data.Features, 9, 4, 3) })!.ToFloatArray();
        for (int n = 0; n < 9; n++)
        {
            double[] e = Enumerable.Range(0, 3).Select(c => Math.Exp(logits[n * 3 + c])).ToArray();
            for (int c = 0; c < 3; c++) Assert.Equal(e[c] / e.Sum(), p[n * 3 + c], 1e-6);
        }
    }

    [Fact]
    public void MetricsCsvHasTheHeaderAndRoundTripValues()
    {
        var history = new[] { new EpochMetrics(1, 0.1, 1.0 / 3, 345.0 / 359, 1234.56, 2.5), new EpochMetrics(2, 0.05, 0.25, 0.5, 10, 5, Completed: false) };
        string[] lines = MetricsCsv.Format(history).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("epoch,train_loss,test_loss,test_accuracy,samples_per_sec,elapsed_s,completed", lines[0]);
        Assert.Equal(3, lines.Length);
        string[] first = lines[1].Split(',');
        Assert.Equal("1", first[0]);
        Assert.Equal(1.0 / 3, double.Parse(first[2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(345.0 / 359, double.Parse(first[3], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("1234.6", first[4]);
        Assert.Equal("2.500", first[5]);
        Assert.Equal("1", first[6]);
        Assert.Equal("0", lines[2].Split(',')[6]); // epoch 2 was cut short
    }
}
