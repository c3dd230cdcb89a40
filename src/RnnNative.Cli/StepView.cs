using System.Globalization;
using RnnNative.Training;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>
/// What the example commands show while an iteration-based loop trains: a table line every N steps and after
/// the last, and the <see cref="ProgressDisplay"/> over the steps in between; --quiet neither.
/// </summary>
internal sealed class StepView(IAnsiConsole console, string command, string rateUnit, bool quiet)
{
    /// <summary>
    /// Runs <paramref name="train"/> with a progress callback that prints <paramref name="row"/>(p) every
    /// <paramref name="every"/> steps and after the last one, under <paramref name="header"/>.
    /// </summary>
    public T Run<T>(string header, int every, Func<TrainingProgress, string> row, Func<Action<TrainingProgress>, T> train)
    {
        if (quiet) return train(static _ => { });
        console.WriteLine(header);
        var display = new ProgressDisplay(console, command, "steps", rateUnit: rateUnit).BeginAt(0);
        return display.Run(() => train(p =>
        {
            if (p.Step % every == 0 || p.Step == p.PlannedSteps) console.WriteLine(row(p));
            display.Report(p.Step, p.PlannedSteps, p.SamplesPerSecond, p,
                static p => string.Create(CultureInfo.InvariantCulture, $"loss {p.Loss:F4}"));
        }));
    }
}
