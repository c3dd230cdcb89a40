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
        ["--resume", "--save-every", "--data", "--cell", "--units", "--layers", "--epochs", "--batch", "--lr", "--seed", "--backend", "--threads", "--out", "--limit",
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
          --save-every N     also write resume.ckpt every N steps (it is always written after every epoch)
          --resume DIR       continue the run in DIR from its resume.ckpt, bit-identical to a run never stopped;
                             its options come from there: only --epochs (to extend it), --save-every and --quiet
                             may be given with it
        Ctrl+C stops after the current batch, saves, and prints the command that continues the run;
        under mpirun (which aborts the job on Ctrl+C) send SIGUSR1 to mpirun instead: kill -USR1 <pid>.
        """;

    /// <summary>
    /// For tests in this process: called after every training batch on the calling thread (e.g. to cancel the run's
    /// token at an exact step, as Ctrl+C would); per thread, so parallel in-process runs do not see each other's.
    /// </summary>
    [ThreadStatic] internal static Action<TrainingProgress>? AfterBatchForTests;

    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellation)
    {
        var a = CommandLine.Parse("train", args, Values, Flags);
        if (a.Has("--help"))
        {
            console.WriteLine(Help);
            return 0;
        }
        string? resumeDir = a.String("--resume");
        var (saved, savedArgs) = resumeDir is null ? (null, null) : TrainResume.Open(resumeDir, a);
        if (savedArgs is not null) a = CommandLine.Parse("train", savedArgs, Values, Flags);
        int? saveEvery = a.Int("--save-every", 1);
        string? outOption = TrainChecks.OutFolder(a.String("--out"), null);
        using var run = TrainRun.Create(a);
        if (saved is not null) TrainResume.Apply(run, saved, resumeDir!);
        if (!run.Ranks.IsRoot) return TrainRanks.Finish(run.Ranks, TrainRanks.Follow(run.Trainer, run.Epochs, () => run.Fit(cancellation)));
        var folder = new RunFolder(resumeDir ?? outOption ?? RunFolders.CreateNew("runs", DateTime.UtcNow));
        if (saved is null) RunFolderClaim.ForNewRun(folder, named: outOption is not null, overwrite: a.Has("--overwrite"));
        Directory.CreateDirectory(folder.Path);

        WriteHeader(console, run, saved?.Resume);
        var recorder = new RunRecorder(folder, run.Options, run.Session, run.Data.Metadata, run.Data.Test.Count, run.Trainer.Evaluator.BatchSize)
        {
            ChoosesBest = m => run.Stopping is null || m.IsBest,
        };
        if (saved?.Resume is { } state) TrainResume.Restore(recorder, state);
        WireCallbacks(console, run, recorder, folder, saveEvery);
        console.WriteLine($"run:     {folder.Path}");
        var history = new TrainView(console, run.Epochs, a.Has("--quiet")).Run(run.Trainer, () => run.Fit(cancellation));
        if (history.Count > 0) TrainRanks.WriteSummary(console, run.Trainer, run.Ranks);
        return TrainRanks.Finish(run.Ranks, Summarize(console, recorder, folder, history, run.Stopping, () => ChosenModel.ScoreOnTest(folder.Best, run.Session,
            new Evaluator(run.Model, run.Session, run.Trainer.Evaluator.BatchSize), run.Data.Test), run.Epochs,
            cancellation.IsCancellationRequested || run.Trainer.Loop.StoppedByRequest));
    }

    private static void WriteHeader(IAnsiConsole console, TrainRun run, ResumeState? resumed)
    {
        console.WriteLine($"data:    {run.Data.Description}");
        console.WriteLine($"model:   {Describe(run.Options)}, batch {run.Batch}, {Plural(run.Epochs, "epoch")}");
        console.WriteLine($"validation: {run.ValidationText}");
        console.WriteLine($"backend: {Backends.Describe(run.Session)}");
        console.WriteLine($"ranks:   {run.Ranks.Size}");
        if (resumed?.Position is { } p)
            console.WriteLine($"resumed: epoch {p.Epoch}, after batch {p.Batch} (step {p.Step}), from {TrainResume.FileName}");
    }

    // After every epoch: checkpoints, metrics, plot, then resume.ckpt, then the divergence check; every N steps resume.ckpt
    // (not after an epoch's last batch: its evaluation and epoch save follow at once).
    private static void WireCallbacks(IAnsiConsole console, TrainRun run, RunRecorder recorder, RunFolder folder, int? saveEvery)
    {
        var divergence = new DivergenceWatch(Math.Log(run.Options.Classes));
        foreach (var m in recorder.History) divergence.Observe(m.Epoch, m.TrainLoss);
        run.Trainer.EpochCompleted = m =>
        {
            recorder.OnEpoch(m);
            TrainResume.Save(run, recorder, folder);
            if (divergence.Observe(m.Epoch, m.TrainLoss) is { } warning) console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        };
        var afterBatch = AfterBatchForTests;
        run.Trainer.Loop.BatchCompleted = p =>
        {
            if (saveEvery is int n && p.Step % n == 0 && p.Batch < p.BatchesPerEpoch) TrainResume.Save(run, recorder, folder);
            afterBatch?.Invoke(p);
        };
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
            console.WriteLine(recorder.History.Count == 0 ? "stopped before the first epoch; nothing saved." : $"stopped before the first batch; {folder.Path} is unchanged.");
            if (recorder.History.Count > 0) console.WriteLine($"continue with: {TrainResume.Command(folder)}");
            return 130;
        }
        var last = history[^1];
        var best = recorder.Best!;
        string how = stopping is null ? "the last epoch (no validation set)"
            : stopping.BestEpoch == 0 ? "the only epoch so far, cut short (early stopping counts whole epochs)"
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
        }
        else console.WriteLine($"stopped by Ctrl+C during epoch {last.Epoch} (marked *); the state after its last batch is saved.");
        console.WriteLine($"continue with: {TrainResume.Command(folder)}");
        return 130;
    }
}
