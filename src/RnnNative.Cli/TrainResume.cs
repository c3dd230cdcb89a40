using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using RnnNative.Training;

namespace RnnNative.Cli;

/// <summary>
/// <c>rnn train --resume DIR</c> and the file it reads: <c>DIR/resume.ckpt</c>, a checkpoint (format 3) holding the
/// weights and the <see cref="ResumeState"/> (loop position, Adam's moments, dropout counts, early stopping), the
/// run's options and its completed epochs. Written atomically after every epoch (and so on Ctrl+C) and every
/// <c>--save-every</c> steps; a run continued from it ends bit-identical to one never stopped.
/// </summary>
internal static class TrainResume
{
    public const string FileName = "resume.ckpt";

    /// <summary>Options that may be given with --resume: they change the invocation, not the run (--epochs extends it).</summary>
    public static readonly string[] Adjustable = ["--epochs", "--save-every"];

    private const string HistoryKey = "history", BestEpochKey = "best_epoch";
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The saved run in <paramref name="dir"/>: its checkpoint and the command line that rebuilds it with <paramref name="given"/>'s adjustments.</summary>
    /// <exception cref="CliException">No resume.ckpt, or a corrupt one (nothing in the folder is changed).</exception>
    /// <exception cref="UsageException">An option that conflicts with the saved run.</exception>
    public static (Checkpoint Saved, List<string> Args) Open(string dir, CommandLine given)
    {
        string path = Path.Combine(dir, FileName);
        if (!Directory.Exists(dir)) throw new CliException($"--resume '{dir}' is not a folder.");
        if (!File.Exists(path))
            throw new CliException($"--resume '{dir}' has no {FileName}: it was written by an older rnn, or stopped before its first batch; nothing to resume.");
        var saved = Checkpoint.Load(path);
        if (saved.Resume is not { } state)
            throw new CliException($"'{path}' holds a model but no resume state; nothing to resume.");
        var options = state.RunOptions.Where(p => p.Key.StartsWith("--", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value);
        if (given.String("--out") is not null || given.Has("--overwrite"))
            throw new UsageException($"--out and --overwrite cannot be given with --resume: the run continues in '{dir}'.");
        foreach (var (name, value) in given.Values)
        {
            if (name == "--resume" || Adjustable.Contains(name)) continue;
            string was = options.GetValueOrDefault(name) ?? "";
            bool same = name == "--data" ? Path.GetFullPath(value) == was : value == was;
            if (!same)
                throw new UsageException(
                    $"{name} {value} conflicts with the run in '{dir}' ({(was.Length == 0 ? $"trained without {name}" : $"trained with {name} {was}")}); " +
                    $"--resume takes the run's options from its {FileName}: only {string.Join(", ", Adjustable)} and --quiet may be given with it.");
        }
        foreach (string name in Adjustable)
            if (given.String(name) is { } value) options[name] = value;
        var args = options.SelectMany(p => new[] { p.Key, p.Value }).ToList();
        if (given.Has("--quiet")) args.Add("--quiet");
        return (saved, args);
    }

    /// <summary>Puts the saved weights and state into <paramref name="run"/> (every rank), checking that they fit.</summary>
    public static void Apply(TrainRun run, Checkpoint saved, string dir)
    {
        var state = saved.Resume!;
        if (saved.ClassifierOptions != run.Options)
            throw new CliException($"the run in '{dir}' was a {TrainCommand.Describe(saved.ClassifierOptions)} but its options now build a " +
                $"{TrainCommand.Describe(run.Options)}: its data changed; nothing to resume.");
        int done = History(state).LastOrDefault()?.Epoch ?? 0;
        if (done >= run.Epochs && state.Position.Epoch <= done)
            throw new UsageException($"the run in '{dir}' is complete ({TrainCommand.Plural(done, "epoch")}); give --epochs N with N > {done} to train it further.");
        if (state.Position.Epoch > run.Epochs)
            throw new UsageException($"the run in '{dir}' is in epoch {state.Position.Epoch}; --epochs must be at least that.");
        saved.Restore(run.Session, Path.Combine(dir, FileName));
        try
        {
            run.Trainer.Restore(state, run.Stopping);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"'{Path.Combine(dir, FileName)}' does not fit the run: {e.Message}");
        }
        if (run.Stopping?.ShouldStop == true)
            throw new CliException($"the run in '{dir}' ended by early stopping after epoch {done}; nothing to resume.");
    }

    /// <summary>The run's completed epochs and its chosen one back into <paramref name="recorder"/>.</summary>
    public static void Restore(RunRecorder recorder, ResumeState state)
    {
        var history = History(state);
        int best = int.Parse(state.RunOptions.GetValueOrDefault(BestEpochKey, "0"), CultureInfo.InvariantCulture);
        recorder.Restore(history, history.FirstOrDefault(m => m.Epoch == best));
    }

    /// <summary>Writes <c>resume.ckpt</c> for the run as it is now (rank 0, between steps).</summary>
    public static void Save(TrainRun run, RunRecorder recorder, RunFolder folder)
    {
        var completed = recorder.History.Where(m => m.Completed).ToList();
        var options = run.SavedOptions();
        options[HistoryKey] = JsonSerializer.Serialize(completed, Json);
        options[BestEpochKey] = (recorder.Best is { Completed: true } best ? best.Epoch : 0).ToString(CultureInfo.InvariantCulture);
        var state = run.Trainer.CaptureResumable(run.Stopping, options);
        Checkpoint.Capture(run.Session, run.Options, run.Data.Metadata).WithResume(state).Save(folder.Resume);
    }

    /// <summary>The command that continues the run in <paramref name="folder"/>.</summary>
    public static string Command(RunFolder folder) =>
        $"rnn train --resume {(folder.Path.Contains(' ', StringComparison.Ordinal) ? $"\"{folder.Path}\"" : folder.Path)}";

    private static List<EpochMetrics> History(ResumeState state) =>
        JsonSerializer.Deserialize<List<EpochMetrics>>(state.RunOptions.GetValueOrDefault(HistoryKey, "[]"), Json) ?? [];
}
