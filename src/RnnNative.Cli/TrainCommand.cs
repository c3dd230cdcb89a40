using RnnNative.Models;
using RnnNative.Training;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary><c>rnn train</c>: the lecture's sequence classifier on an IDX folder or a CSV file.</summary>
internal static class TrainCommand
{
    /// <summary>Epochs when --epochs is absent: the lecture's 12 for IDX images; more for the small CSV sets.</summary>
    public const int IdxEpochs = 12, CsvEpochs = 30;

    private static readonly string[] Values =
        ["--data", "--cell", "--units", "--layers", "--epochs", "--batch", "--lr", "--seed", "--backend", "--threads", "--out", "--limit"];
    private static readonly string[] Flags = ["--help", "--overwrite"];

    public static readonly IReadOnlyDictionary<string, CellType> Cells = new Dictionary<string, CellType>
    {
        ["basic"] = CellType.Basic,
        ["lstm"] = CellType.Lstm,
        ["gru"] = CellType.Gru,
    };

    private static readonly string Help = $"""
        usage: rnn train [options]
          --data PATH        MNIST-format IDX folder, or CSV (label last; a seeded 20% hold-out is the test set)
                             default: {DataSource.DefaultIdx} if present, else {DataSource.DefaultCsv}
          --cell NAME        basic | lstm | gru (default basic: tanh)
          --units N          hidden units per layer (default 150)
          --layers N         stacked recurrent layers (default 1)
          --epochs N         default {IdxEpochs} for IDX folders, {CsvEpochs} for CSV files
          --batch N          examples per step (default 150)
          --lr X             Adam learning rate (default 0.001)
          --seed N           weights, shuffling and the CSV split (default 42)
          --backend NAME     openblas | mkl | managed (default: the library's choice)
          --threads N        threads (default 1); with more, the fused RNN cuts the batch across them
                             and every GEMM runs single-threaded
          --out DIR          run folder (default runs/latest): model.ckpt (last epoch), best.ckpt,
                             metrics.csv, training.png; a folder given with --out that already
                             holds a run is refused unless --overwrite (its old files are removed first)
          --overwrite        replace the run in --out
          --limit N          train on the first N training examples only
          --verbose          stack traces on errors
        Ctrl+C stops after the current batch and still saves.
        """;

    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellation)
    {
        var a = CommandLine.Parse("train", args, Values, Flags);
        if (a.Has("--help"))
        {
            console.WriteLine(Help);
            return 0;
        }
        int seed = a.Int("--seed", 0) ?? 42;
        int batch = a.Int("--batch", 1, 1 << 20) ?? 150;
        var (backend, threads) = Backends.Parse(a);
        var options = new SequenceClassifierOptions
        {
            Units = a.Int("--units", 1, 1 << 16) ?? 150,
            Layers = a.Int("--layers", 1, 64) ?? 1,
            Cell = a.Choice("--cell", Cells) ?? CellType.Basic,
            LearningRate = a.PositiveSingle("--lr") ?? 0.001f,
            Seed = seed,
        };
        int? epochsOption = a.Int("--epochs", 1, 1 << 20), limit = a.Int("--limit", 1);
        var folder = new RunFolder(TrainChecks.OutFolder(a.String("--out"), Path.Combine("runs", "latest")));

        var data = DataSource.ForTraining(DataSource.Resolve(a.String("--data")), (ulong)seed, limit);
        int epochs = epochsOption ?? (data.Metadata[Meta.DataKind] == Meta.Idx ? IdxEpochs : CsvEpochs);
        options = options with
        {
            Steps = data.Train.Steps,
            Inputs = data.Train.Inputs,
            Classes = Math.Max(data.Train.Classes, data.Test.Classes),
        };
        TrainChecks.Check(options, batch);
        var model = new SequenceClassifier(options);
        using var session = Backends.OpenSession(model.Graph, backend, threads);
        session.Run(model.Graph.GlobalVariablesInitializer());
        RunFolderClaim.ForNewRun(folder, named: a.String("--out") is not null, overwrite: a.Has("--overwrite"));

        console.WriteLine($"data:    {data.Description}");
        console.WriteLine($"model:   {Describe(options)}, batch {batch}, {epochs} epochs");
        console.WriteLine($"backend: {Backends.Describe(session)}");
        var trainer = new Trainer(model, session, new TrainerOptions { Epochs = epochs, BatchSize = batch, ShuffleSeed = (ulong)seed });
        var recorder = new RunRecorder(folder, options, session, data.Metadata, data.Test.Count, trainer.Evaluator.BatchSize);
        var divergence = new DivergenceWatch(Math.Log(options.Classes));
        trainer.EpochCompleted = m =>
        {
            recorder.OnEpoch(m);
            if (divergence.Observe(m.Epoch, m.TrainLoss) is { } warning) console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        };
        var history = new TrainView(console, epochs).Run(trainer, () => trainer.Fit(data.Train, data.Test, cancellation));
        return Summarize(console, recorder, folder, history, epochs, cancellation.IsCancellationRequested);
    }

    public static string Describe(SequenceClassifierOptions o) =>
        $"{o.Steps} steps x {o.Inputs} inputs -> {o.Cell.ToString().ToLowerInvariant()} cell, " +
        $"{o.Layers} layer{(o.Layers == 1 ? "" : "s")} x {o.Units} units -> dense {o.Classes}, Adam {o.LearningRate}, seed {o.Seed}";

    private static int Summarize(IAnsiConsole console, RunRecorder recorder, RunFolder folder, IReadOnlyList<EpochMetrics> history,
        int epochs, bool interrupted)
    {
        if (history.Count == 0)
        {
            console.WriteLine("stopped before the first epoch; nothing saved.");
            return 130;
        }
        var last = history[^1];
        var best = recorder.Best!;
        console.MarkupLine($"best test accuracy [green]{Markup.Escape(recorder.Accuracy(best))}[/] at epoch {best.Epoch} -> {Markup.Escape(folder.Best)}");
        console.WriteLine($"last epoch {last.Epoch}: test accuracy {recorder.Accuracy(last)} -> {folder.Last}");
        console.WriteLine($"wrote {folder.Metrics} and {folder.Plot}");
        if (last.Completed && (last.Epoch >= epochs || !interrupted)) return 0;
        if (last.Completed)
        {
            // Ctrl+C came during the epoch's evaluation or checkpoint write: that epoch finished and is saved.
            console.WriteLine($"stopped by Ctrl+C after epoch {last.Epoch} of {epochs}; that epoch is saved.");
            return 130;
        }
        console.WriteLine($"stopped by Ctrl+C during epoch {last.Epoch} (marked *); the state after its last batch is saved.");
        return 130;
    }
}
