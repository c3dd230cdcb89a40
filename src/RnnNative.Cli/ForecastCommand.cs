using System.Globalization;
using System.Text;
using RnnNative.Data;
using RnnNative.Examples;
using RnnNative.Training;
using ScottPlot;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>
/// <c>rnn forecast</c>: the lecture's time-series model on one CSV column — train on the first 80% of the
/// series, score the held-out last 20%, continue the series from the last training window by feeding
/// predictions back in, and plot both against the truth.
/// </summary>
internal static class ForecastCommand
{
    public const string DefaultData = "data/series.csv";
    public const double TestFraction = 0.2;
    private const int ReportEvery = 100;

    private static readonly string[] Values =
        ["--data", "--column", "--steps", "--units", "--iterations", "--batch", "--lr", "--seed", "--out", "--backend", "--threads"];

    private static readonly string Help = $"""
        usage: rnn forecast [options]
          --data PATH        CSV file (raw or .gz) holding the series (default {DefaultData})
          --column NAME|N    the series column by header name or 0-based index (default: the last column)
          --steps N          time steps per window (default 20)
          --units N          ReLU units (default 100)
          --iterations N     Adam steps (default 1500)
          --batch N          windows per step (default 50)
          --lr X             Adam learning rate (default 0.001)
          --seed N           weights and shuffling (default 42)
          --out DIR          where forecast.png and forecast.csv go (default runs/forecast)
          --backend NAME     openblas | mkl | managed (default: the library's choice)
          --threads N        GEMM threads
        The first {100 - TestFraction * 100:F0}% of the series trains, the last {TestFraction * 100:F0}% is held out (chronological split).
        """;

    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellation)
    {
        var a = CommandLine.Parse("forecast", args, Values, ["--help"]);
        if (a.Has("--help"))
        {
            console.WriteLine(Help);
            return 0;
        }
        int seed = a.Int("--seed", 0) ?? 42;
        var options = new ForecastOptions
        {
            Steps = a.Int("--steps", 1, 10_000) ?? 20,
            Units = a.Int("--units", 1, 1 << 16) ?? 100,
            LearningRate = (float)(a.Positive("--lr") ?? 0.001),
            Seed = seed,
        };
        var training = new ForecastTrainingOptions
        {
            Iterations = a.Int("--iterations", 0, 100_000_000) ?? 1500,
            BatchSize = a.Int("--batch", 1, 1 << 20) ?? 50,
            ShuffleSeed = (ulong)seed,
        };
        var (backend, threads) = Backends.Parse(a);
        string folder = a.String("--out") ?? Path.Combine("runs", "forecast");
        string path = a.String("--data") ?? DefaultData;
        var series = LoadSeries(path, a.String("--column"), options.Steps);
        var (train, test) = series.SplitChronological(TestFraction);

        var model = new ForecastModel(options);
        using var session = Backends.OpenSession(model.Graph, backend, threads);
        session.Run(model.Graph.GlobalVariablesInitializer());
        var trainer = new ForecastTrainer(model, session);
        int cut = train.Values.Length;
        console.WriteLine($"data:    {path}: {series.Values.Length} values; {train.Count} training windows (values 0-{cut - 1}), " +
            $"{test.Count} held-out windows (values {cut}-{series.Values.Length - 1}), {options.Steps} steps each");
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model:   basic ReLU cell, {options.Units} units -> output projection 1, " +
            $"MSE, Adam {options.LearningRate}, batch {Math.Min(training.BatchSize, train.Count)}, {training.Iterations} iterations, seed {seed}"));
        console.WriteLine($"backend: {Backends.Describe(session)}");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var losses = StepView.Run(console, " step  batch_mse  held-out_mse  windows/s  elapsed", training.Iterations, ReportEvery,
            p => string.Create(CultureInfo.InvariantCulture,
                $"{p.Step,5} {p.Loss,10:F4} {trainer.Evaluate(test).Mse,13:F4} {p.ItemsPerSecond,10:F0} {p.ElapsedSeconds,7:F1}s"),
            progress => trainer.Train(train, training, progress, cancellation));
        double trainSeconds = clock.Elapsed.TotalSeconds;
        Report(console, trainer, series, train, test, folder, trainSeconds);
        return losses.Count < training.Iterations ? 130 : 0;
    }

    /// <summary>The column as windows; a missing column, text cell or short series is a one-line error.</summary>
    private static TimeSeriesDataset LoadSeries(string path, string? column, int steps)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"data file '{path}' not found.", path);
        var series = int.TryParse(column, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index)
            ? CsvDataset.LoadSeries(path, steps, columnIndex: index)
            : CsvDataset.LoadSeries(path, steps, column: column);
        int needed = MinimumValues(steps);
        if (series.Values.Length < needed)
            throw new DataFormatException(path, $"the series has {series.Values.Length} values; a chronological " +
                $"{100 - TestFraction * 100:F0}/{TestFraction * 100:F0} split into windows of {steps} steps (+1 target) needs at least {needed}.");
        return series;
    }

    // The shortest series whose both parts hold one window and its shifted target.
    private static int MinimumValues(int steps)
    {
        int n = steps + 1;
        while (Math.Floor(n * TestFraction) < steps + 1 || n - Math.Floor(n * TestFraction) < steps + 1) n++;
        return n;
    }

    private static void Report(IAnsiConsole console, ForecastTrainer trainer, TimeSeriesDataset series,
        TimeSeriesDataset train, TimeSeriesDataset test, string folder, double trainSeconds)
    {
        int steps = trainer.Model.Options.Steps, cut = train.Values.Length, total = series.Values.Length;
        var held = trainer.Evaluate(test);
        var fit = trainer.Evaluate(train);
        float[] next = trainer.PredictNext(series);                       // next[n] predicts value n + T
        float[] generated = trainer.Generate(series.Values.AsSpan(cut - steps, steps), total - cut); // values cut..end
        double generatedMse = 0;
        for (int k = 0; k < generated.Length; k++) generatedMse += Math.Pow(generated[k] - series.Values[cut + k], 2);
        generatedMse /= generated.Length;

        var inv = CultureInfo.InvariantCulture;
        console.MarkupLine(string.Create(inv, $"held-out MSE [green]{held.Mse:F4}[/] (all {steps} steps of {held.Windows} windows, the training loss's measure); " +
            $"next value after a full window {held.NextValueMse:F4}"));
        console.WriteLine(string.Create(inv, $"training windows: MSE {fit.Mse:F4}, next value {fit.NextValueMse:F4}; trained in {trainSeconds:F1}s"));
        console.WriteLine(string.Create(inv, $"generated values {cut}-{total - 1} from the last training window, each prediction fed back in: MSE {generatedMse:F4} against the truth"));
        console.Write(Table(series.Values, next, generated, steps, cut));

        Directory.CreateDirectory(folder);
        string png = Path.Combine(folder, "forecast.png"), csv = Path.Combine(folder, "forecast.csv");
        Plot(series.Values, next, generated, steps, cut, png);
        AtomicFile.WriteAllBytes(csv, Encoding.UTF8.GetBytes(Csv(series.Values, next, generated, steps, cut)));
        console.WriteLine($"wrote {png} and {csv}");
    }

    // About 12 rows of the held-out part: truth, next-value prediction, generated continuation.
    private static Table Table(float[] truth, float[] next, float[] generated, int steps, int cut)
    {
        var table = new Table { Title = new TableTitle("held-out part") };
        foreach (string name in new[] { "index", "truth", "predicted", "generated" }) table.AddColumn(new TableColumn(name).RightAligned());
        int every = Math.Max(1, (truth.Length - cut) / 12);
        for (int i = cut; i < truth.Length; i += every)
            table.AddRow(i.ToString(CultureInfo.InvariantCulture), F(truth[i]), F(next[i - steps]), F(generated[i - cut]));
        return table;
    }

    private static string F(float x) => x.ToString("F3", CultureInfo.InvariantCulture);

    private static string Csv(float[] truth, float[] next, float[] generated, int steps, int cut)
    {
        var text = new StringBuilder("index,truth,predicted,generated\n");
        for (int i = 0; i < truth.Length; i++)
            text.Append(CultureInfo.InvariantCulture,
                $"{i},{truth[i]:R},{(i >= steps ? next[i - steps].ToString("R", CultureInfo.InvariantCulture) : "")},{(i >= cut ? generated[i - cut].ToString("R", CultureInfo.InvariantCulture) : "")}\n");
        return text.ToString();
    }

    private static void Plot(float[] truth, float[] next, float[] generated, int steps, int cut, string path)
    {
        var plot = new Plot();
        double[] Indices(int from, int count) => Enumerable.Range(from, count).Select(i => (double)i).ToArray();
        var real = plot.Add.Scatter(Indices(0, truth.Length), truth.Select(v => (double)v).ToArray());
        real.LegendText = "truth";
        real.MarkerSize = 0;
        var predicted = plot.Add.Scatter(Indices(steps, next.Length), next.Select(v => (double)v).ToArray());
        predicted.LegendText = $"next value predicted from the {steps} before";
        predicted.MarkerSize = 3;
        predicted.LineWidth = 0;
        var continued = plot.Add.Scatter(Indices(cut, generated.Length), generated.Select(v => (double)v).ToArray());
        continued.LegendText = "generated (predictions fed back in)";
        continued.LinePattern = LinePattern.Dashed;
        continued.LineWidth = 2;
        continued.MarkerSize = 0;
        var line = plot.Add.VerticalLine(cut - 0.5);
        line.LabelText = "held out →";
        line.LinePattern = LinePattern.Dotted;
        plot.Title("Forecast: training part | held-out part");
        plot.XLabel("index in the series");
        plot.YLabel("value");
        plot.ShowLegend(Alignment.UpperLeft);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(1100, 560, ImageFormat.Png));
    }
}
