using System.Globalization;
using System.Text;
using RnnNative.Data;
using RnnNative.Examples;
using RnnNative.Training;
using ScottPlot;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>
/// <c>rnn forecast</c>: the lecture's time-series model on one CSV column — hold out a contiguous block in the
/// middle of the series (20% by default, like the lecture's test window inside the training range), train on
/// the windows entirely before or after it, score the windows entirely inside it, continue the series through
/// the block from the 20 real values before it by feeding predictions back in, and plot both against the truth.
/// </summary>
internal static class ForecastCommand
{
    public const string DefaultData = "data/series.csv";
    public const double HoldoutFraction = 0.2;
    private const int ReportEvery = 100;

    private static readonly string[] Values =
        ["--data", "--column", "--steps", "--units", "--iterations", "--batch", "--lr", "--seed", "--holdout", "--holdout-start", "--out", "--backend", "--threads"];

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
          --holdout F        fraction of the values held out as one block (default {HoldoutFraction})
          --holdout-start N  index of the block's first value (default: the block is centred)
          --out DIR          where forecast.png and forecast.csv go (default runs/forecast)
          --backend NAME     openblas | mkl | managed (default: the library's choice)
          --threads N        GEMM threads
        Training uses only windows (inputs and targets) entirely before or after the held-out block; the
        held-out MSE is over every window entirely inside it, and the generated continuation runs through it
        from the --steps real values before it.
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
        var (start, end) = HoldoutBlock(a, series.Values.Length, options.Steps);
        var (train, test) = Split(series, start, end, path);

        var model = new ForecastModel(options);
        using var session = Backends.OpenSession(model.Graph, backend, threads);
        session.Run(model.Graph.GlobalVariablesInitializer());
        var trainer = new ForecastTrainer(model, session);
        console.WriteLine($"data:    {path}: {series.Values.Length} values; held-out block: values {start}-{end - 1}; " +
            $"{train.Count} training windows entirely outside it, {test.Count} held-out windows inside it, {options.Steps} steps each");
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model:   basic ReLU cell, {options.Units} units -> output projection 1, " +
            $"MSE, Adam {options.LearningRate}, batch {Math.Min(training.BatchSize, train.Count)}, {training.Iterations} iterations, seed {seed}"));
        console.WriteLine($"backend: {Backends.Describe(session)}");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var losses = StepView.Run(console, " step  batch_mse  held-out_mse  windows/s  elapsed", training.Iterations, ReportEvery,
            p => string.Create(CultureInfo.InvariantCulture,
                $"{p.Step,5} {p.Loss,10:F4} {trainer.Evaluate(test).Mse,13:F4} {p.ItemsPerSecond,10:F0} {p.ElapsedSeconds,7:F1}s"),
            progress => trainer.Train(train, training, progress, cancellation));
        double trainSeconds = clock.Elapsed.TotalSeconds;
        Report(console, trainer, series, train, test, (start, end), folder, trainSeconds);
        return losses.Count < training.Iterations ? 130 : 0;
    }

    /// <summary>The column as windows; a missing column, text cell or short series is a one-line error.</summary>
    private static TimeSeriesDataset LoadSeries(string path, string? column, int steps)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"data file '{path}' not found.", path);
        return int.TryParse(column, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index)
            ? CsvDataset.LoadSeries(path, steps, columnIndex: index)
            : CsvDataset.LoadSeries(path, steps, column: column);
    }

    /// <summary>
    /// The held-out block [start, end): floor(L·fraction) values, centred unless --holdout-start says where;
    /// it must leave T values before it to seed the generation.
    /// </summary>
    private static (int Start, int End) HoldoutBlock(CommandLine a, int total, int steps)
    {
        double fraction = a.Positive("--holdout") ?? HoldoutFraction;
        if (fraction >= 1) throw new UsageException($"--holdout must be a fraction in (0, 1), got '{a.String("--holdout")}'.");
        int length = (int)Math.Floor(total * fraction);
        if (total - length < steps)
            throw new UsageException($"Holding out {length} of {total} values leaves fewer than the {steps} values before the block that seed the generation.");
        int start = a.Int("--holdout-start", steps, total - length) ?? (total - length) / 2;
        return (start, start + length);
    }

    // The windows outside and inside the block; a series too short for either is a data error naming the file.
    private static (TimeSeriesDataset Train, TimeSeriesDataset Test) Split(TimeSeriesDataset series, int start, int end, string path)
    {
        if (end - start <= 0)
            throw new DataFormatException(path, $"the series has {series.Values.Length} values; the held-out block would be empty.");
        try
        {
            return series.SplitBlock(start, end - start);
        }
        catch (ArgumentException e) when (e is not ArgumentOutOfRangeException)
        {
            throw new DataFormatException(path, $"the series has {series.Values.Length} values; {char.ToLowerInvariant(e.Message[0])}{e.Message[1..]}");
        }
    }

    private static void Report(IAnsiConsole console, ForecastTrainer trainer, TimeSeriesDataset series,
        TimeSeriesDataset train, TimeSeriesDataset test, (int Start, int End) block, string folder, double trainSeconds)
    {
        int steps = trainer.Model.Options.Steps;
        var (start, end) = block;
        var held = trainer.Evaluate(test);
        var fit = trainer.Evaluate(train);
        float[] next = trainer.PredictNext(series);                       // next[n] predicts value n + T
        float[] generated = trainer.Generate(series.Values.AsSpan(start - steps, steps), end - start); // values start..end-1
        double generatedMse = 0;
        for (int k = 0; k < generated.Length; k++) generatedMse += Math.Pow(generated[k] - series.Values[start + k], 2);
        generatedMse /= generated.Length;

        var inv = CultureInfo.InvariantCulture;
        console.MarkupLine(string.Create(inv, $"held-out MSE [green]{held.Mse:F4}[/] (all {steps} steps of {held.Windows} windows, the training loss's measure); " +
            $"next value after a full window {held.NextValueMse:F4}"));
        console.WriteLine(string.Create(inv, $"training windows: MSE {fit.Mse:F4}, next value {fit.NextValueMse:F4}; trained in {trainSeconds:F1}s"));
        console.WriteLine(string.Create(inv, $"generated values {start}-{end - 1} from the {steps} real values before the block, each prediction fed back in: MSE {generatedMse:F4} against the truth"));
        console.Write(Table(series.Values, next, generated, steps, block));

        Directory.CreateDirectory(folder);
        string png = Path.Combine(folder, "forecast.png"), csv = Path.Combine(folder, "forecast.csv");
        Plot(series.Values, next, generated, steps, block, png);
        AtomicFile.WriteAllBytes(csv, Encoding.UTF8.GetBytes(Csv(series.Values, next, generated, steps, block.Start)));
        console.WriteLine($"wrote {png} and {csv}");
    }

    // About 12 rows of the held-out block: truth, next-value prediction, generated continuation.
    private static Table Table(float[] truth, float[] next, float[] generated, int steps, (int Start, int End) block)
    {
        var table = new Table { Title = new TableTitle("held-out block") };
        foreach (string name in new[] { "index", "truth", "predicted", "generated" }) table.AddColumn(new TableColumn(name).RightAligned());
        int every = Math.Max(1, (block.End - block.Start) / 12);
        for (int i = block.Start; i < block.End; i += every)
            table.AddRow(i.ToString(CultureInfo.InvariantCulture), F(truth[i]), F(next[i - steps]), F(generated[i - block.Start]));
        return table;
    }

    private static string F(float x) => x.ToString("F3", CultureInfo.InvariantCulture);

    // One row per value; "generated" is filled inside the held-out block only.
    private static string Csv(float[] truth, float[] next, float[] generated, int steps, int start)
    {
        var text = new StringBuilder("index,truth,predicted,generated\n");
        for (int i = 0; i < truth.Length; i++)
        {
            bool inBlock = i >= start && i < start + generated.Length;
            text.Append(CultureInfo.InvariantCulture,
                $"{i},{truth[i]:R},{(i >= steps ? next[i - steps].ToString("R", CultureInfo.InvariantCulture) : "")},{(inBlock ? generated[i - start].ToString("R", CultureInfo.InvariantCulture) : "")}\n");
        }
        return text.ToString();
    }

    private static void Plot(float[] truth, float[] next, float[] generated, int steps, (int Start, int End) block, string path)
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
        var continued = plot.Add.Scatter(Indices(block.Start, generated.Length), generated.Select(v => (double)v).ToArray());
        continued.LegendText = "generated (predictions fed back in)";
        continued.LinePattern = LinePattern.Dashed;
        continued.LineWidth = 2;
        continued.MarkerSize = 0;
        foreach (var (x, label) in new[] { (block.Start - 0.5, "held out →"), (block.End - 0.5, "← held out") })
        {
            var line = plot.Add.VerticalLine(x);
            line.LabelText = label;
            line.LinePattern = LinePattern.Dotted;
        }
        plot.Title("Forecast: training windows | held-out block | training windows");
        plot.XLabel("index in the series");
        plot.YLabel("value");
        plot.ShowLegend(Alignment.UpperLeft);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(1100, 560, ImageFormat.Png));
    }
}
