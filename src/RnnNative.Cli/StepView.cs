using System.Diagnostics;
using RnnNative.Training;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>
/// What the example commands show while an iteration-based loop trains: a table line every N steps and after
/// the last, and on an interactive terminal a live progress bar (step, loss, rate, ETA) in between.
/// </summary>
internal static class StepView
{
    private static readonly long RefreshTicks = Stopwatch.Frequency / 10;

    /// <summary>
    /// Runs <paramref name="train"/> with a progress callback that prints <paramref name="row"/>(p) every
    /// <paramref name="every"/> steps and after the last one.
    /// </summary>
    public static T Run<T>(IAnsiConsole console, string header, int steps, int every, Func<TrainingProgress, string> row,
        Func<Action<TrainingProgress>, T> train)
    {
        console.WriteLine(header);
        void Report(TrainingProgress p)
        {
            if (p.Step % every == 0 || p.Step == p.PlannedSteps) console.WriteLine(row(p));
        }
        if (!console.Profile.Capabilities.Interactive || steps == 0) return train(Report);
        return console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask("training", maxValue: steps);
                long lastRefresh = 0;
                return train(p =>
                {
                    task.Value = p.Step;
                    long now = Stopwatch.GetTimestamp();
                    if (now - lastRefresh >= RefreshTicks || p.Step == p.PlannedSteps)
                    {
                        lastRefresh = now;
                        task.Description = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                            $"step {p.Step}/{p.PlannedSteps}  loss {p.Loss:F4}  {p.SamplesPerSecond:F0}/s");
                    }
                    Report(p);
                });
            });
    }
}
