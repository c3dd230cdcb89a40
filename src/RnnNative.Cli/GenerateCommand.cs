using System.Diagnostics;
using System.Globalization;
using RnnNative.Data;
using RnnNative.Examples;
using RnnNative.Models;
using RnnNative.Training;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>
/// <c>rnn generate</c>: vector to sequence. Fashion-MNIST images generated row by row from their class, in the
/// feedback form (class → initial state and every input, each row fed back) and the plain repeat-vector form.
/// </summary>
internal static class GenerateCommand
{
    private static readonly string[] Values =
        ["--data", "--form", "--cell", "--units", "--epochs", "--batch", "--lr", "--limit", "--samples", "--sampling", "--seed", "--out", "--backend", "--threads"];

    private static readonly IReadOnlyDictionary<string, RowGeneratorForm[]> Forms = new Dictionary<string, RowGeneratorForm[]>
    {
        ["both"] = [RowGeneratorForm.Feedback, RowGeneratorForm.RepeatVector],
        ["feedback"] = [RowGeneratorForm.Feedback],
        ["repeat"] = [RowGeneratorForm.RepeatVector],
    };

    private static readonly IReadOnlyDictionary<string, RowSampling> Samplings = new Dictionary<string, RowSampling>
    {
        ["bernoulli"] = RowSampling.Bernoulli,
        ["mean"] = RowSampling.Mean,
    };

    private static readonly RowGeneratorOptions Defaults = new();

    private static readonly string Help = $"""
        usage: rnn generate [options]
          --data DIR         MNIST-format folder (default {DataSource.DefaultIdx}; fetch with build.ps1 data fashion-mnist)
          --form NAME        feedback | repeat | both (default both)
                             feedback: class one-hot -> dense -> h0 and into every step next to the previous row;
                                       teacher forcing in training, its own rows fed back when generating
                             repeat:   the class one-hot alone as the input of every step, no feedback
          --cell NAME        gru | lstm | basic (default gru)
          --units N          hidden units (default {Defaults.Units})
          --epochs N         default 3
          --batch N          images per step (default 64)
          --lr X             Adam learning rate (default {Defaults.LearningRate})
          --limit N          train on the first N training images (default: all)
          --samples N        images per class in the feedback grid (default 8)
          --sampling NAME    the feedback form's rows, in training (previous true row) and generation (own row):
                             bernoulli (default): 0/1 draws of each pixel's grey level, so samples differ;
                             the grid shows the predicted grey levels.  mean: the grey levels, deterministic
          --seed N           weights, shuffling, draws (default 42)
          --out DIR          folder for feedback.png and repeat.png and their models feedback.ckpt and
                             repeat.ckpt (default runs/generate)
          --backend NAME     openblas | mkl | managed
          --threads N        threads (default: the cores); with more than one, the fused RNN cuts the batch across them
                             and every GEMM runs single-threaded
          --quiet            no per-epoch lines or progress display: the header and the results only
        """;

    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellation)
    {
        var a = CommandLine.Parse("generate", args, Values, ["--help", "--quiet"]);
        if (a.Has("--help"))
        {
            console.WriteLine(Help);
            return 0;
        }
        var (backend, threads) = Backends.Parse(a);
        int seed = a.Int("--seed", 0) ?? 42, epochs = a.Int("--epochs", 1, 1 << 20) ?? 3, batch = a.Int("--batch", 1, 1 << 20) ?? 64;
        int samples = a.Int("--samples", 1, 1000) ?? 8;
        var sampling = a.Choice("--sampling", Samplings) ?? RowSampling.Bernoulli;
        var forms = a.String("--form") is { } f ? Forms.GetValueOrDefault(f.ToLowerInvariant())
            ?? throw new UsageException($"--form must be one of {string.Join(", ", Forms.Keys)}, got '{f}'.") : Forms["both"];
        string folder = a.String("--out") ?? Path.Combine("runs", "generate");
        var template = Defaults with
        {
            Cell = a.Choice("--cell", TrainCommand.Cells) ?? Defaults.Cell,
            Units = a.Int("--units", 1, 1 << 16) ?? Defaults.Units,
            LearningRate = a.PositiveSingle("--lr") ?? Defaults.LearningRate,
            Seed = seed,
        };
        var clock = Stopwatch.StartNew();
        var (train, test) = LoadImages(a.String("--data"), a.Int("--limit", 1));
        console.WriteLine($"data:    {train.Count} training / {test.Count} test images of {train.Steps} rows x {train.Inputs} pixels, {train.Classes} classes");
        Directory.CreateDirectory(folder);
        foreach (var form in forms)
        {
            var options = template with { Rows = train.Steps, Columns = train.Inputs, Classes = Math.Max(train.Classes, test.Classes), Form = form };
            using var run = new GenerateRun(console, options, sampling, backend, threads, batch, (ulong)seed, a.Has("--quiet"));
            if (!run.Train(train, test, epochs, cancellation)) return 130;
            string png = Path.Combine(folder, form == RowGeneratorForm.Feedback ? "feedback.png" : "repeat.png");
            run.WriteGrid(test, form == RowGeneratorForm.Feedback ? samples : 1, png);
            run.Save(Path.ChangeExtension(png, ".ckpt"));
        }
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total time {clock.Elapsed.TotalSeconds:F0}s"));
        return 0;
    }

    private static (Dataset Train, Dataset Test) LoadImages(string? data, int? limit)
    {
        string folder = data ?? DataSource.DefaultIdx;
        if (!Directory.Exists(folder))
            throw new CliException($"image folder '{folder}' not found; fetch Fashion-MNIST with: dotnet tool restore && dotnet pwsh build.ps1 data fashion-mnist");
        var (train, test) = (MnistDataset.Load(folder, train: true), MnistDataset.Load(folder, train: false));
        int classes = Math.Max(train.Classes, test.Classes);
        var trainSet = train.AsDataset(classes);
        if (limit is int n && n < trainSet.Count) trainSet = trainSet.Subset(Enumerable.Range(0, n).ToArray());
        return (trainSet, test.AsDataset(classes));
    }
}
