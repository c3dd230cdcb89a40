using System.Globalization;
using RnnNative.Training;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>
/// What <c>rnn train</c> and <c>rnn langid</c> show while a <see cref="Trainer"/> runs: one table line per epoch,
/// and the <see cref="ProgressDisplay"/> over every step of the run (a bar on a terminal, plain lines when
/// redirected); --quiet neither.
/// </summary>
internal sealed class TrainView(IAnsiConsole console, int epochs, bool quiet = false, string command = "train")
{
    private const string Header = "epoch  train_loss   val_loss   val_acc  samples/s   elapsed";

    /// <summary>Runs <paramref name="fit"/> with the trainer's callbacks wired to the display.</summary>
    /// <remarks>The display begins at the first reported step, so a resumed run's bar starts part-way.</remarks>
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
        var display = new ProgressDisplay(console, command, "steps", rateUnit: "samples/s");
        trainer.Progress = p => display.Report(p.Step, p.PlannedSteps, p.SamplesPerSecond, (p, epochs),
            static s => string.Create(CultureInfo.InvariantCulture, $"epoch {s.p.Epoch}/{s.epochs} loss {s.p.MeanLoss:F4}"));
        try
        {
            return display.Run(fit);
        }
        finally
        {
            trainer.Progress = null;
        }
    }

    /// <summary>One table line: epoch, losses, validation accuracy, rate, elapsed ('*': cut short; '<': the chosen epoch so far).</summary>
    public static string Row(EpochMetrics m) => string.Create(CultureInfo.InvariantCulture,
        $"{m.Epoch,5}{(m.Completed ? ' ' : '*')} {m.TrainLoss,10:F4} {m.ValidationLoss,10:F4} {100 * m.ValidationAccuracy,8:F2}% {m.SamplesPerSecond,10:F0} {m.ElapsedSeconds,8:F1}s{(m.IsBest ? " <" : "")}");
}
