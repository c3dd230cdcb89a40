using System.Globalization;
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
        ["--data", "--cell", "--units", "--layers", "--epochs", "--batch", "--lr", "--seed", "--backend", "--threads", "--out", "--limit",
         "--label", "--steps", "--inputs", .. ValidationChoice.Options, .. RegularizationChoice.Options, "--precision"];
    private static readonly string[] Flags = ["--help", "--quiet", "--overwrite"];

    public static readonly IReadOnlyDictionary<string, CellType> Cells = new Dictionary<string, CellType>
    {
        ["basic"] = CellType.Basic,
        ["lstm"] = CellType.Lstm,
        ["gru"] = CellType.Gru,
    };

    private static readonly string Help = $"""
        usage: rnn train [options]
          --data PATH        MNIST-format IDX folder, or CSV (a seeded 20% hold-out is the test set)
                             default: {DataSource.DefaultIdx} if present, else {DataSource.DefaultCsv}
          --label NAME|INDEX CSV label column by header name or 0-based index (-1: last). Default: a header
                             column named label, class or target; the last column of a file without header
          --steps T          CSV: the features are T time steps of I inputs (T x I = feature columns);
          --inputs I         default T = I = sqrt(features) when that is a whole number, else required
          --cell NAME        basic | lstm | gru (default basic: tanh)
          --units N          hidden units per layer (default 150)
          --layers N         stacked recurrent layers (default 1)
          --epochs N         default {IdxEpochs} for IDX folders, {CsvEpochs} for CSV files
          --batch N          examples per step (default 150); under mpirun -n N the global batch,
                             each rank training on batch/N of it
          --lr X             Adam learning rate (default 0.001)
          --seed N           weights, shuffling and the CSV split (default 42)
          --backend NAME     openblas | mkl | managed (default: the library's choice)
          --threads N        threads (default: the cores); with more than one, the fused RNN cuts the batch across them
                             and every GEMM runs single-threaded
          --precision P      fp32 | bf16: GEMM operands rounded to bfloat16, float32 accumulation; needs mkl
                             on a CPU with AVX512_BF16, or managed (emulated) (default fp32)
        {ValidationChoice.Help.TrimEnd()}
        {RegularizationChoice.Help.TrimEnd()}
          --out DIR          run folder: model.ckpt (last epoch), best.ckpt, metrics.csv, training.png
                             (default: a new runs/YYYYMMDD-HHMMSS, with the link runs/latest pointing at it);
                             a folder that already holds a run is refused unless --overwrite
          --overwrite        replace the run in --out (its old files are removed first)
          --quiet            no per-epoch lines or progress bar: the header and the result only
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
        var ranks = TrainRanks.Join(batch);
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
        string? outOption = TrainChecks.OutFolder(a.String("--out"), null);
        var validationChoice = ValidationChoice.Parse(a);
        var regularization = RegularizationChoice.Parse(a);

        var data = DataSource.ForTraining(DataSource.Resolve(a.String("--data")), (ulong)seed, limit, CsvChoice.Parse(a));
        int epochs = epochsOption ?? (data.Metadata[Meta.DataKind] == Meta.Idx ? IdxEpochs : CsvEpochs);
        options = options with
        {
            Steps = data.Train.Steps,
            Inputs = data.Train.Inputs,
            Classes = Math.Max(data.Train.Classes, data.Test.Classes),
        };
        var (train, validation, validationText) = validationChoice.Apply(data.Train, (ulong)seed, data.Metadata[Meta.DataKind] == Meta.Idx, data.Metadata);
        options = regularization.Apply(options, train.Count, batch, epochs);
        TrainChecks.Check(options, batch);
        var model = new SequenceClassifier(options);
        using var session = Backends.OpenSession(model.Graph, backend, threads, Backends.ParsePrecision(a));
        session.Run(model.Graph.GlobalVariablesInitializer());
        var trainer = new Trainer(model, session, new TrainerOptions
        {
            Epochs = epochs, BatchSize = batch, ShuffleSeed = (ulong)seed, Communicator = TrainRanks.ForTrainer(ranks),
        });
        var stopping = validationChoice.Stopping();
        // Every rank runs the same fit (the same collectives in the same order: steps, validation sums, stopping).
        IReadOnlyList<EpochMetrics> Fit() => validation is null
            ? trainer.Fit(train, null, cancellation)
            : trainer.FitWithValidation(train, validation, stopping, cancellation);
        if (!ranks.IsRoot) return TrainRanks.Follow(trainer, Fit);
        var folder = new RunFolder(outOption ?? RunFolders.CreateNew("runs", DateTime.UtcNow));
        RunFolderClaim.ForNewRun(folder, named: outOption is not null, overwrite: a.Has("--overwrite"));
        Directory.CreateDirectory(folder.Path);

        console.WriteLine($"data:    {data.Description}");
        console.WriteLine($"model:   {Describe(options)}, batch {batch}, {Plural(epochs, "epoch")}");
        console.WriteLine($"validation: {validationText}");
        console.WriteLine($"backend: {Backends.Describe(session)}");
        console.WriteLine($"ranks:   {ranks.Size}");
        var recorder = new RunRecorder(folder, options, session, data.Metadata, data.Test.Count, trainer.Evaluator.BatchSize);
        var divergence = new DivergenceWatch(Math.Log(options.Classes));
        trainer.EpochCompleted = m =>
        {
            recorder.OnEpoch(m);
            if (divergence.Observe(m.Epoch, m.TrainLoss) is { } warning) console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        };
        recorder.ChoosesBest = m => stopping is null || m.IsBest;
        console.WriteLine($"run:     {folder.Path}");
        var history = new TrainView(console, epochs, a.Has("--quiet")).Run(trainer, Fit);
        if (history.Count > 0) TrainRanks.WriteSummary(console, trainer, ranks);
        return Summarize(console, recorder, folder, history, stopping, () => ChosenModel.ScoreOnTest(folder.Best, session,
            new Evaluator(model, session, trainer.Evaluator.BatchSize), data.Test), epochs, cancellation.IsCancellationRequested);
    }

    /// <summary>"1 epoch", "12 epochs".</summary>
    public static string Plural(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";

    public static string Describe(SequenceClassifierOptions o) =>
        $"{o.Steps} steps x {o.Inputs} inputs -> {o.Cell.ToString().ToLowerInvariant()} cell, " +
        $"{o.Layers} layer{(o.Layers == 1 ? "" : "s")} x {o.Units} units -> dense {o.Classes}, Adam {o.LearningRate}{RegularizationChoice.Describe(o)}, seed {o.Seed}";

    private static int Summarize(IAnsiConsole console, RunRecorder recorder, RunFolder folder, IReadOnlyList<EpochMetrics> history,
        EarlyStopping? stopping, Func<Evaluation> scoreChosen, int epochs, bool interrupted)
    {
        if (history.Count == 0)
        {
            console.WriteLine("stopped before the first epoch; nothing saved.");
            return 130;
        }
        var last = history[^1];
        var best = recorder.Best!;
        string how = stopping is null ? "the last epoch (no validation set)"
            : string.Create(CultureInfo.InvariantCulture, $"best {stopping.Monitor} {stopping.BestValue:F4}");
        console.WriteLine($"chosen model: epoch {best.Epoch}, {how} -> {folder.Best}");
        var test = scoreChosen();
        console.MarkupLine($"test accuracy of the chosen model (epoch {best.Epoch}): [green]{Markup.Escape(ChosenModel.Describe(test))}[/]");
        if (stopping?.ShouldStop == true)
            console.WriteLine($"early stopping: {stopping.Monitor} did not improve for {Plural(stopping.EpochsWithoutImprovement, "epoch")} after epoch {stopping.BestEpoch}.");
        console.WriteLine($"last epoch {last.Epoch} -> {folder.Last}");
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
