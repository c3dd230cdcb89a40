using System.Globalization;
using RnnNative.Cli;
using RnnNative.Data;
using RnnNative.Examples;
using RnnNative.Tests.Data;
using RnnNative.Training;

namespace RnnNative.Tests.Examples;

/// <summary>The time-series forecaster: training, scores against a direct computation, generation, and <c>rnn forecast</c>.</summary>
public class ForecastTests
{
    private const int Steps = 6;

    // Two incommensurate sines: predictable from a few past values, not constant.
    private static float[] Series(int length) =>
        Enumerable.Range(0, length).Select(i => (float)(Math.Sin(0.3 * i) + 0.5 * Math.Sin(0.11 * i))).ToArray();

    private static (ForecastTrainer Trainer, Session Session) Create(int seed = 3, LearningRateSchedule? schedule = null)
    {
        var model = new ForecastModel(new ForecastOptions { Steps = Steps, Units = 16, LearningRate = 0.01f, Seed = seed, Schedule = schedule });
        var session = new Session(model.Graph);
        session.Run(model.Graph.GlobalVariablesInitializer());
        return (new ForecastTrainer(model, session), session);
    }

    [Fact]
    public void TrainingLowersTheHeldOutMse()
    {
        var (train, test) = new TimeSeriesDataset(Series(160), Steps).SplitChronological(0.25);
        var (trainer, session) = Create();
        using var _ = session;
        double before = trainer.Evaluate(test).Mse;
        var progress = new List<TrainingProgress>();
        var losses = trainer.Train(train, new ForecastTrainingOptions { Iterations = 80, BatchSize = 16 }, progress.Add);
        double after = trainer.Evaluate(test).Mse;

        Assert.Equal(80, losses.Count);
        Assert.Equal(Enumerable.Range(1, 80), progress.Select(p => (int)p.Step));
        Assert.True(losses.TakeLast(10).Average() < 0.2 * losses.Take(10).Average(), $"batch MSE {losses[0]} -> {losses[^1]}");
        Assert.True(after < 0.1 * before, $"held-out MSE {before} -> {after}");
    }

    [Fact]
    public void TheScheduleReachesTheModelsAdam()
    {
        // Cosine over 2 updates to 0: the third and later updates have learning rate 0 and change nothing.
        var data = new TimeSeriesDataset(Series(40), Steps);
        var (trainer, session) = Create(schedule: new CosineDecay(2));
        using var _ = session;
        var options = new ForecastTrainingOptions { Iterations = 1, BatchSize = 8 };
        double initial = trainer.Evaluate(data).Mse;
        trainer.Train(data, options);
        trainer.Train(data, options);
        double afterTwo = trainer.Evaluate(data).Mse;
        trainer.Train(data, options with { Iterations = 3 });
        Assert.NotEqual(initial, afterTwo);
        Assert.Equal(afterTwo, trainer.Evaluate(data).Mse);
    }

    [Fact]
    public void AValidationBlockSplitsTheTrainingWindowsOnly()
    {
        // 100 values, T = 5: held out 40-59, then validation 10-29 carved out of the training windows.
        float[] v = Enumerable.Range(0, 100).Select(i => (float)i).ToArray(); // value = its index
        var (outside, test) = new TimeSeriesDataset(v, 5).SplitBlock(40, 20);
        var (train, validation) = outside.SplitBlock(10, 20);
        int[] Starts(TimeSeriesDataset d) => Enumerable.Range(0, d.Count).Select(d.WindowStart).ToArray();
        // A window starting at s reads values s..s+5 (inputs s..s+4, targets one ahead): training windows lie
        // before 10, between the blocks or after 59, validation ones inside 10-29, held-out ones inside 40-59.
        Assert.Equal([.. Enumerable.Range(0, 5), .. Enumerable.Range(30, 5), .. Enumerable.Range(60, 35)], Starts(train));
        Assert.Equal(Enumerable.Range(10, 15), Starts(validation));
        Assert.Equal(Enumerable.Range(40, 15), Starts(test));
        float[] Read(TimeSeriesDataset d) { var (x, y) = d.ToArrays(); return [.. x, .. y]; }
        Assert.All(Read(train), value => Assert.True(value is < 10 or (>= 30 and < 40) or >= 60, $"training value {value}"));
        Assert.All(Read(validation), value => Assert.InRange(value, 10, 29));
        Assert.All(Read(test), value => Assert.InRange(value, 40, 59));
    }

    [Fact]
    public void ScoresMatchAMeanOverTheOutputsOfOneRun()
    {
        var data = new TimeSeriesDataset(Series(40), Steps);
        var (trainer, session) = Create();
        using var _ = session;
        var (x, y) = data.ToArrays();
        var outputs = session.Run(trainer.Model.Outputs, new FeedDict { [trainer.Model.X] = Tensor.FromArray(x, data.Count, Steps, 1) })!;
        Assert.Equal([data.Count, Steps, 1], outputs.Shape.ToArray());
        float[] o = outputs.ToFloatArray();
        double all = 0, last = 0;
        for (int k = 0; k < o.Length; k++)
        {
            double e = (double)o[k] - y[k];
            all += e * e;
            if (k % Steps == Steps - 1) last += e * e;
        }

        var score = trainer.Evaluate(data);
        Assert.Equal(all / o.Length, score.Mse, 1e-9);
        Assert.Equal(last / data.Count, score.NextValueMse, 1e-9);
        Assert.Equal(data.Count, score.Windows);
        float[] next = trainer.PredictNext(data);
        Assert.Equal(data.Count, next.Length);
        for (int n = 0; n < data.Count; n++) Assert.Equal(o[n * Steps + Steps - 1], next[n]);
    }

    [Fact]
    public void EachGeneratedValueIsThePredictionFromTheWindowBeforeIt()
    {
        float[] seed = Series(Steps);
        var (trainer, session) = Create();
        using var _ = session;
        float[] generated = trainer.Generate(seed, 9);
        Assert.Equal(9, generated.Length);

        // Windows over seed + generated: window k (values k..k+T-1) must predict generated[k].
        var whole = new TimeSeriesDataset([.. seed, .. generated], Steps);
        float[] next = trainer.PredictNext(whole);
        for (int k = 0; k < 9 - 1; k++) Assert.Equal(generated[k], next[k], 1e-5f);
        Assert.Throws<ArgumentException>(() => trainer.Generate(seed.AsSpan(1), 3));
    }

    [Fact]
    public void TheCommandTrainsScoresGeneratesAndPlots()
    {
        using var folder = new TempFolder();
        string csv = folder.Write("s.csv", CsvOf(Series(100)));
        string run = Path.Combine(folder.Path, "run");
        var (code, output) = Rnn("forecast", "--data", csv, "--column", "value", "--steps", "5", "--units", "8",
            "--iterations", "30", "--batch", "8", "--lr", "0.01", "--out", run);
        Assert.True(code == 0, output);
        // 100 values, 20 held out in the middle (40-59): 20 - 5 windows inside, 100 - 20 - 2*5 outside.
        Assert.Contains("held-out block: values 40-59; 70 training windows entirely outside it, 15 held-out windows inside it", output);
        Assert.Matches(@"held-out MSE \d+\.\d{4} \(all 5 steps of 15 windows", output);
        Assert.Contains("generated values 40-59 from the 5 real values before the block", output);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(run, "forecast.png"))[..4]);
        string[] rows = File.ReadAllLines(Path.Combine(run, "forecast.csv"));
        Assert.Equal("index,truth,predicted,generated", rows[0]);
        Assert.Equal(101, rows.Length);
        Assert.Equal(",,", rows[1][rows[1].IndexOf(',', 2)..]);          // index 0: no prediction, not generated
        int[] filled = rows[1..].Select(r => r.Split(',').Count(c => c.Length > 0)).ToArray();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i < 5 ? 2 : i is >= 40 and < 60 ? 4 : 3), filled); // generated: the block only
    }

    [Fact]
    public void TheHeldOutBlockCanBeMovedAndResized()
    {
        using var folder = new TempFolder();
        string csv = folder.Write("s.csv", CsvOf(Series(100)));
        string[] common = ["forecast", "--data", csv, "--steps", "5", "--units", "4", "--iterations", "2", "--out", folder.Path];
        var (code, output) = Rnn([.. common, "--holdout", "0.3", "--holdout-start", "5"]);
        Assert.True(code == 0, output);
        // Block 5-34: 5 values before it hold no window of 5 steps + target; after it, starts 35..94.
        Assert.Contains("held-out block: values 5-34; 60 training windows entirely outside it, 25 held-out windows inside it", output);
        Assert.Contains("generated values 5-34", output);

        (code, output) = Rnn([.. common, "--holdout-start", "4"]);   // fewer than 5 values to seed the generation
        Assert.Equal(2, code);
        Assert.Contains("--holdout-start must be an integer in [5, 80]", output);
        (code, output) = Rnn([.. common, "--holdout", "1"]);
        Assert.Equal(2, code);
        Assert.Contains("--holdout must be a fraction in (0, 1)", output);
    }

    [Fact]
    public void AValidationBlockIsCarvedOutOfTheTrainingPart()
    {
        using var folder = new TempFolder();
        string csv = folder.Write("s.csv", CsvOf(Series(100)));
        string[] common = ["forecast", "--data", csv, "--steps", "5", "--units", "4", "--iterations", "3", "--batch", "8", "--out", folder.Path];
        var (code, output) = Rnn([.. common, "--validation", "0.2", "--schedule", "cosine"]);
        Assert.True(code == 0, output);
        // Held out 40-59; the stretches 0-39 and 60-99 tie, so the 20 validation values are centred in the first:
        // 10-29 hold 20 - 5 windows; training keeps starts 0-4 and 30-34 before the held-out block and 60-94 after it.
        Assert.Contains("held-out block: values 40-59; 70 training windows entirely outside it, 15 held-out windows inside it", output);
        Assert.Contains("validation block: values 10-29 of the training part; 15 validation windows inside it, 45 training windows outside both blocks", output);
        Assert.Contains("Adam 0.002 cosine-decayed to 0, batch 8, 3 iterations", output);
        Assert.Matches(@"validation MSE \d+\.\d{4} \(all 5 steps of 15 windows\)", output);

        (code, output) = Rnn([.. common, "--validation", "0.2", "--validation-start", "70"]);
        Assert.True(code == 0, output);
        Assert.Contains("validation block: values 70-89 of the training part; 15 validation windows inside it, 45 training windows outside both blocks", output);

        foreach (var (extra, message) in new[]
        {
            (new[] { "--validation", "0.2", "--validation-start", "30" }, "the validation block 30-49 overlaps the held-out block 40-59"),
            (["--validation", "0.05"], "--validation 0.05 makes a block of 5 values; it needs at least 6 (a window of 5 steps and its shifted target) and at most 40"),
            (["--validation", "0.5"], "--validation 0.5 makes a block of 50 values; it needs at least 6"),
            (["--validation", "1"], "--validation must be a fraction in (0, 1)"),
            (["--schedule", "linear"], "--schedule must be one of constant, cosine"),
        })
        {
            (code, output) = Rnn([.. common, .. extra]);
            Assert.Equal(2, code);
            Assert.Contains(message, output);
        }
    }

    [Theory]
    [InlineData("missing", "", "not found")]
    [InlineData("text", "t,value\n0,1\n1,abc\n2,3\n", "line 3")]
    [InlineData("tiny", "t,value\n0,1\n1,2\n2,3\n", "a window of 3 steps and its shifted target need 4")]
    [InlineData("short", "t,value\n0,1\n1,2\n2,3\n3,4\n", "the series has 4 values; the held-out block would be empty")]
    [InlineData("shortish", "t,value\n0,1\n1,2\n2,3\n3,4\n4,5\n5,6\n6,7\n7,8\n",
        "the series has 8 values; the held-out block of 1 values (3-3) holds no window of 3 steps and its shifted target (needs 4)")]
    [InlineData("column", "t,value\n0,1\n", "no column named 'price'")]
    public void BadDataIsOneLineAndExitCodeOne(string name, string content, string message)
    {
        using var folder = new TempFolder();
        string path = name == "missing" ? Path.Combine(folder.Path, "none.csv") : folder.Write(name + ".csv", System.Text.Encoding.UTF8.GetBytes(content));
        string[] column = name == "column" ? ["--column", "price"] : [];
        var (code, output) = Rnn(["forecast", "--data", path, "--steps", "3", "--out", folder.Path, .. column]);
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", output);
        Assert.Contains(message, output);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static byte[] CsvOf(float[] values) => System.Text.Encoding.UTF8.GetBytes(
        "t,value\n" + string.Concat(values.Select((v, i) => string.Create(CultureInfo.InvariantCulture, $"{i},{v:R}\n"))));

    internal static (int Code, string Output) Rnn(params string[] args)
    {
        var output = new StringWriter();
        int code = RnnCli.Run(args, output);
        return (code, output.ToString());
    }
}
