using System.Diagnostics;
using RnnNative.Training;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>
/// What <c>rnn train</c> shows while it runs: one table line per epoch, and on an interactive terminal a live
/// progress bar for the current epoch (samples/s, loss, ETA). Redirected output and CI get the lines only;
/// --quiet neither.
/// </summary>
internal sealed class TrainView(IAnsiConsole console, int epochs, bool quiet = false)
{
    private const string Header = "epoch  train_loss  test_loss  test_acc  samples/s   elapsed";
    private static readonly long RefreshTicks = Stopwatch.Frequency / 10;

    /// <summary>Runs <paramref name="fit"/> with the trainer's callbacks wired to the display.</summary>
    public IReadOnlyList<EpochMetrics> Run(Trainer trainer, Func<IReadOnlyList<EpochMetrics>> fit)
    {
        if (quiet) return fit();
        console.WriteLine(Header);
        var afterEpoch = trainer.EpochCompleted;
        trainer.EpochCompleted = m =>
        {
            afterEpoch?.Invoke(m);
            console.WriteLine(Row(m));
        };
        if (!console.Profile.Capabilities.Interactive) return fit();
        return console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context => FitWithBar(context, trainer, fit));
    }

    /// <summary>One table line: epoch, losses, accuracy, rate, elapsed (a '*' marks an epoch cut short).</summary>
    public static string Row(EpochMetrics m) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{m.Epoch,5}{(m.Completed ? ' ' : '*')} {m.TrainLoss,10:F4} {m.TestLoss,10:F4} {100 * m.TestAccuracy,8:F2}% {m.SamplesPerSecond,10:F0} {m.ElapsedSeconds,8:F1}s");

    private IReadOnlyList<EpochMetrics> FitWithBar(ProgressContext context, Trainer trainer, Func<IReadOnlyList<EpochMetrics>> fit)
    {
        ProgressTask? task = null;
        long lastRefresh = 0;
        trainer.Progress = p =>
        {
            if (task is null || p.Batch == 1)
            {
                task?.StopTask();
                task = context.AddTask($"epoch {p.Epoch}/{epochs}", maxValue: p.SamplesPerEpoch);
            }
            task.Value = p.Samples;
            long now = Stopwatch.GetTimestamp();
            if (now - lastRefresh < RefreshTicks && p.Batch != p.BatchesPerEpoch) return;
            lastRefresh = now;
            task.Description = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"epoch {p.Epoch}/{epochs}  loss {p.MeanLoss:F4}  {p.SamplesPerSecond:F0} samples/s");
        };
        try
        {
            return fit();
        }
        finally
        {
            trainer.Progress = null;
        }
    }
}
