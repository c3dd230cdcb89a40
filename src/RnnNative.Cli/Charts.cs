using RnnNative.Training;
using ScottPlot;

namespace RnnNative.Cli;

/// <summary>PNG charts with ScottPlot, written atomically: training curves and a confusion matrix.</summary>
internal static class Charts
{
    /// <summary>Train and test loss (left axis) and test accuracy in % (right axis) per epoch.</summary>
    public static void Training(IReadOnlyList<EpochMetrics> history, string path)
    {
        var plot = new Plot();
        double[] epochs = history.Select(m => (double)m.Epoch).ToArray();
        var train = plot.Add.Scatter(epochs, history.Select(m => m.TrainLoss).ToArray());
        train.LegendText = "train loss";
        var test = plot.Add.Scatter(epochs, history.Select(m => m.TestLoss).ToArray());
        test.LegendText = "test loss";
        var accuracy = plot.Add.Scatter(epochs, history.Select(m => 100 * m.TestAccuracy).ToArray());
        accuracy.LegendText = "test accuracy (%)";
        accuracy.Axes.YAxis = plot.Axes.Right;
        accuracy.LinePattern = LinePattern.Dashed;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        foreach (var cut in history.Where(m => !m.Completed)) MarkCutShort(plot, cut);
        plot.Title(history.Any(m => !m.Completed) ? "Training (* epoch cut short by Ctrl+C)" : "Training");
        plot.XLabel("epoch");
        plot.YLabel("cross-entropy loss");
        plot.Axes.Right.Label.Text = "test accuracy (%)";
        plot.ShowLegend(Alignment.MiddleRight);
        Save(plot, path, 900, 540);
    }

    // An epoch stopped by Ctrl+C: a dotted vertical line and "*" at its train loss (its metrics cover part of it).
    private static void MarkCutShort(Plot plot, EpochMetrics m)
    {
        var line = plot.Add.VerticalLine(m.Epoch);
        line.LinePattern = LinePattern.Dotted;
        line.Color = Colors.Gray;
        var star = plot.Add.Text("*", m.Epoch, m.TrainLoss);
        star.LabelFontSize = 22;
        star.Alignment = Alignment.LowerCenter;
    }

    /// <summary>A heat map of <paramref name="counts"/>[true, predicted] with the count in each cell.</summary>
    /// <param name="counts">[true, predicted] counts.</param>
    /// <param name="path">The PNG to write.</param>
    /// <param name="names">Class names for the axes (one per class); null labels them 0, 1, ….</param>
    public static void Confusion(int[,] counts, string path, IReadOnlyList<string>? names = null)
    {
        int classes = counts.GetLength(0);
        if (names is not null && names.Count != classes)
            throw new ArgumentException($"{names.Count} class names were given for {classes} classes.", nameof(names));
        string Name(int c) => names is null ? c.ToString() : names[c];
        var plot = new Plot();
        var intensities = new double[classes, classes];
        for (int t = 0; t < classes; t++)
            for (int p = 0; p < classes; p++) intensities[t, p] = counts[t, p];
        var map = plot.Add.Heatmap(intensities);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(map);
        double max = Math.Max(1, intensities.Cast<double>().Max());
        for (int t = 0; t < classes; t++)
            for (int p = 0; p < classes; p++)
            {
                var label = plot.Add.Text(counts[t, p].ToString(), p, classes - 1 - t);
                label.Alignment = Alignment.MiddleCenter;
                label.LabelFontColor = intensities[t, p] > max / 2 ? Colors.Black : Colors.White;
            }
        plot.Axes.Margins(0, 0);
        plot.Title("Confusion matrix");
        plot.XLabel("predicted class");
        plot.YLabel("true class");
        double[] positions = Enumerable.Range(0, classes).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(positions, Enumerable.Range(0, classes).Select(Name).ToArray());
        plot.Axes.Left.SetTicks(positions, Enumerable.Range(0, classes).Select(i => Name(classes - 1 - i)).ToArray());
        Save(plot, path, names is null ? 700 : 860, names is null ? 620 : 700);
    }

    private static void Save(Plot plot, string path, int width, int height) =>
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
}
