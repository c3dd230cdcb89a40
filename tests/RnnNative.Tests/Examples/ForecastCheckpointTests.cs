using System.Globalization;
using RnnNative.Data;
using RnnNative.Examples;
using RnnNative.Tests.Data;
using RnnNative.Training;

namespace RnnNative.Tests.Examples;

/// <summary>The forecaster saved in the one checkpoint format, reloaded, and <c>rnn forecast --model DIR --horizon N</c>.</summary>
public class ForecastCheckpointTests
{
    private static float[] Series(int length) =>
        Enumerable.Range(0, length).Select(i => (float)(Math.Sin(0.3 * i) + 0.5 * Math.Sin(0.11 * i))).ToArray();

    [Fact]
    public void ASavedForecasterReloadsWithTheSameHeldOutMseAndGeneratedValues()
    {
        var (train, test) = new TimeSeriesDataset(Series(120), 6).SplitChronological(0.25);
        var model = new ForecastModel(new ForecastOptions { Steps = 6, Units = 12, LearningRate = 0.01f, Seed = 4 });
        using var session = new Session(model.Graph);
        session.Run(model.Graph.GlobalVariablesInitializer());
        var trainer = new ForecastTrainer(model, session);
        trainer.Train(train, new ForecastTrainingOptions { Iterations = 40, BatchSize = 8 });
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "model.ckpt");
        ForecastCheckpoint.Capture(session, model.Options).Save(path);

        var (reloaded, reloadedSession) = ForecastCheckpoint.Restore(Checkpoint.Load(path));
        using var _ = reloadedSession;
        Assert.Equal(model.Options with { Schedule = null }, reloaded.Model.Options);
        Assert.Equal(trainer.Evaluate(test).Mse, reloaded.Evaluate(test).Mse);
        float[] seed = Series(120)[^6..];
        Assert.Equal(trainer.Generate(seed, 9), reloaded.Generate(seed, 9));
        Assert.Throws<CheckpointException>(() => new Checkpoint(Checkpoint.ClassifierKind, "{}", new Dictionary<string, Tensor>()).ReadOptions<ForecastOptions>(ForecastCheckpoint.Kind));
    }

    [Fact]
    public void HorizonContinuesTheSeriesPastItsEndFromTheSavedModel()
    {
        using var folder = new TempFolder();
        float[] values = Series(100);
        string csv = folder.Write("s.csv", System.Text.Encoding.UTF8.GetBytes(
            "value\n" + string.Join("\n", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "\n"));
        string run = Path.Combine(folder.Path, "run");
        var (code, output) = ForecastTests.Rnn("forecast", "--data", csv, "--steps", "5", "--units", "8", "--iterations", "30", "--batch", "8", "--out", run);
        Assert.True(code == 0, output);
        Assert.Contains("saved " + Path.Combine(run, "model.ckpt"), output);

        var (horizonCode, horizonOutput) = ForecastTests.Rnn("forecast", "--model", run, "--horizon", "7");
        Assert.True(horizonCode == 0, horizonOutput);
        string[] rows = File.ReadAllLines(Path.Combine(run, "horizon.csv"));
        Assert.Equal("index,generated", rows[0]);
        Assert.Equal(Enumerable.Range(100, 7).Select(i => i.ToString(CultureInfo.InvariantCulture)), rows[1..].Select(r => r.Split(',')[0]));

        // The same values from the checkpoint through the library: the last 5 real values, predictions fed back in.
        var (trainer, session) = ForecastCheckpoint.Restore(Checkpoint.Load(Path.Combine(run, "model.ckpt")));
        using var _ = session;
        float[] expected = trainer.Generate(values.AsSpan(95, 5), 7);
        Assert.Equal(expected, rows[1..].Select(r => float.Parse(r.Split(',')[1], CultureInfo.InvariantCulture)));

        Assert.Equal(2, ForecastTests.Rnn("forecast", "--horizon", "3").Code);               // --horizon without --model
        Assert.Equal(2, ForecastTests.Rnn("forecast", "--model", run).Code);                  // --model without --horizon
    }
}
