using System.Globalization;
using System.Text;
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
/// With --validation it also carves a validation block out of the training part, for choosing hyperparameters
/// (the defaults' were chosen that way) without looking at the held-out block.
/// </summary>
internal static class ForecastCommand
{
    public const string DefaultData = "data/series.csv";

    // Chosen on validation blocks inside the training part (docs/examples.md, "rnn forecast"); the lecture's are 1500, 50, 0.001.
    public const int DefaultIterations = 6000, DefaultBatch = 25;
    public const double DefaultLearningRate = 0.002;

    private static readonly string[] Values =
        ["--data", "--column", "--steps", "--units", "--iterations", "--batch", "--lr", "--schedule", "--seed", "--holdout", "--holdout-start",
         "--validation", "--validation-start", "--out", "--backend", "--threads", "--model", "--horizon"];

    private static readonly Dictionary<string, bool> Schedules = new() { ["constant"] = false, ["cosine"] = true }; // true: CosineDecay

    private static readonly string Help = $"""
        usage: rnn forecast [options]
          --data PATH        CSV file (raw or .gz) holding the series (default {DefaultData})
          --column NAME|N    the series column by header name or 0-based index (default: the last column)
          --steps N          time steps per window (default 20)
          --units N          ReLU units (default 100)
          --iterations N     Adam steps (default {DefaultIterations}; the lecture runs 1500)
          --batch N          windows per step (default {DefaultBatch}; the lecture's is 50)
          --lr X             Adam learning rate (default {DefaultLearningRate}; the lecture's is 0.001)
          --schedule NAME    constant | cosine: the learning rate decays to 0 over --iterations (default constant)
          --seed N           weights and shuffling (default 42)
          --holdout F        fraction of the values held out as one block (default {ForecastData.HoldoutFraction})
          --holdout-start N  index of the block's first value (default: the block is centred)
          --validation F     carve a validation block of this fraction of the values out of the training part,
                             train without it and report its MSE (for choosing hyperparameters; default: none)
          --validation-start N  index of its first value (default: centred in the longer training stretch)
          --out DIR          where forecast.png, forecast.csv and model.ckpt go (default runs/forecast)
          --model DIR|FILE   with --horizon N: load a saved forecaster (DIR/model.ckpt) instead of training and
          --horizon N        generate N values past the end of its series (--data/--column: default the
                             recorded ones) from the last --steps values; writes horizon.csv (--out: the model's folder)
          --backend NAME     openblas | mkl | managed (default: the library's choice)
          --threads N        threads (default: the cores); with more than one, the fused RNN cuts the batch across them
                             and every GEMM runs single-threaded
          --quiet            no per-step lines or progress display: the header and the results only
        Training uses only windows (inputs and targets) entirely before or after the held-out block (and the
        validation block); the held-out MSE is over every window entirely inside it, and the generated
        continuation runs through it from the --steps real values before it.
        """;

    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellation)
    {
        var a = CommandLine.Parse("forecast", args, Values, ["--help", "--quiet"]);
        if (a.Has("--help"))
        {
            console.WriteLine(Help);
            return 0;
        }
        if (a.String("--model") is not null) return ForecastHorizon.Run(a, console);
        if (a.String("--horizon") is not null) throw new UsageException("--horizon needs --model DIR (a forecaster saved by rnn forecast).");
        var (options, training) = Options(a);
        var (backend, threads) = Backends.Parse(a);
        string folder = a.String("--out") ?? Path.Combine("runs", "forecast");
        string path = a.String("--data") ?? DefaultData;
        var data = ForecastData.Load(a, path, options.Steps);

        var model = new ForecastModel(options);
        using var session = Backends.OpenSession(model.Graph, backend, threads);
        session.Run(model.Graph.GlobalVariablesInitializer());
        var trainer = new ForecastTrainer(model, session);
        Describe(console, path, data, options, training, session);

        var watched = data.Validation ?? data.Test;
        int every = Math.Max(100, training.Iterations / 1500 * 100); // about 15 rows
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var losses = new StepView(console, "forecast", "windows/s", a.Has("--quiet")).Run(
            $" step  batch_mse  {(data.Validation is null ? "held-out_mse" : "  valid._mse")}  windows/s  elapsed", every,
            p => string.Create(CultureInfo.InvariantCulture,
                $"{p.Step,5} {p.Loss,10:F4} {trainer.Evaluate(watched).Mse,13:F4} {p.SamplesPerSecond,10:F0} {p.ElapsedSeconds,7:F1}s"),
            progress => trainer.Train(data.Train, training, progress, cancellation));
        double trainSeconds = clock.Elapsed.TotalSeconds;
        Report(console, trainer, data, folder, trainSeconds);
        string saved = ForecastHorizon.Save(session, options, folder, path, a.String("--column"), trainer.Evaluate(data.Test).Mse);
        console.WriteLine($"saved {saved} (continue the series: rnn forecast --model {folder} --horizon N)");
        return losses.Count < training.Iterations ? 130 : 0;
    }

    private static (ForecastOptions Model, ForecastTrainingOptions Training) Options(CommandLine a)
    {
        int seed = a.Int("--seed", 0) ?? 42;
        int iterations = a.Int("--iterations", 0, 100_000_000) ?? DefaultIterations;
        var model = new ForecastOptions
        {
            Steps = a.Int("--steps", 1, 10_000) ?? 20,
            Units = a.Int("--units", 1, 1 << 16) ?? 100,
            LearningRate = a.PositiveSingle("--lr") ?? (float)DefaultLearningRate,
            Schedule = a.Choice("--schedule", Schedules) == true ? new CosineDecay(Math.Max(1, iterations)) : null,
            Seed = seed,
        };
        var training = new ForecastTrainingOptions
        {
            Iterations = iterations,
            BatchSize = a.Int("--batch", 1, 1 << 20) ?? DefaultBatch,
            ShuffleSeed = (ulong)seed,
        };
        return (model, training);
    }

    private static void Describe(IAnsiConsole console, string path, ForecastData data, ForecastOptions options,
        ForecastTrainingOptions training, Session session)
    {
        var (start, end) = data.Held;
        console.WriteLine($"data:    {path}: {data.Series.Values.Length} values; held-out block: values {start}-{end - 1}; " +
            $"{data.OutsideHeld} training windows entirely outside it, {data.Test.Count} held-out windows inside it, {options.Steps} steps each");
        if (data.ValidationBlock is var (vs, ve))
            console.WriteLine($"validation block: values {vs}-{ve - 1} of the training part; {data.Validation!.Count} validation windows inside it, " +
                $"{data.Train.Count} training windows outside both blocks");
        string schedule = options.Schedule is null ? "" : " cosine-decayed to 0";
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model:   basic ReLU cell, {options.Units} units -> output projection 1, " +
            $"MSE, Adam {options.LearningRate}{schedule}, batch {Math.Min(training.BatchSize, data.Train.Count)}, {training.Iterations} iterations, seed {options.Seed}"));
        console.WriteLine($"backend: {Backends.Describe(session)}");
    }

    private static void Report(IAnsiConsole console, ForecastTrainer trainer, ForecastData data, string folder, double trainSeconds)
    {
        int steps = trainer.Model.Options.Steps;
        var (series, block) = (data.Series, data.Held);
        var (start, end) = block;
        var held = trainer.Evaluate(data.Test);
        var fit = trainer.Evaluate(data.Train);
        float[] next = trainer.PredictNext(series);                       // next[n] predicts value n + T
        var (generated, generatedMse) = GenerateBlock(trainer, series.Values, block);  // values start..end-1

        var inv = CultureInfo.InvariantCulture;
        if (data.ValidationBlock is var (vs, ve))
        {
            string generation = vs < steps ? "" : string.Create(inv, $"; generated from the {steps} values before it: MSE {GenerateBlock(trainer, series.Values, (vs, ve)).Mse:F4}");
            console.WriteLine(string.Create(inv, $"validation MSE {trainer.Evaluate(data.Validation!).Mse:F4} (all {steps} steps of {data.Validation!.Count} windows){generation}"));
        }
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

    // Values [start, end) generated from the T real values before them, and their MSE against the truth.
    private static (float[] Values, double Mse) GenerateBlock(ForecastTrainer trainer, float[] truth, (int Start, int End) block)
    {
        int steps = trainer.Model.Options.Steps;
        float[] generated = trainer.Generate(truth.AsSpan(block.Start - steps, steps), block.End - block.Start);
        double mse = 0;
        for (int k = 0; k < generated.Length; k++) mse += Math.Pow(generated[k] - truth[block.Start + k], 2);
        return (generated, mse / generated.Length);
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
