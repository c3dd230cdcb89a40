using System.Globalization;
using RnnNative.Data;

namespace RnnNative.Cli;

/// <summary>
/// The windows <c>rnn forecast</c> works on: a held-out block of values in the middle of the series (scored,
/// never trained on), optionally a validation block carved out of the training part (for choosing
/// hyperparameters without looking at the held-out block), and the training windows outside both.
/// </summary>
/// <param name="Series">All windows of the column.</param>
/// <param name="Train">Training windows: entirely outside the held-out block and the validation block.</param>
/// <param name="Test">Held-out windows: entirely inside the held-out block.</param>
/// <param name="Held">The held-out block of values [Start, End).</param>
/// <param name="OutsideHeld">Windows entirely outside the held-out block (Train plus what validation took).</param>
/// <param name="Validation">Validation windows entirely inside <paramref name="ValidationBlock"/>; null without --validation.</param>
/// <param name="ValidationBlock">The validation block of values [Start, End).</param>
internal sealed record ForecastData(TimeSeriesDataset Series, TimeSeriesDataset Train, TimeSeriesDataset Test, (int Start, int End) Held,
    int OutsideHeld, TimeSeriesDataset? Validation, (int Start, int End)? ValidationBlock)
{
    public const double HoldoutFraction = 0.2;

    /// <summary>Loads the column and splits it by --holdout, --holdout-start, --validation and --validation-start.</summary>
    public static ForecastData Load(CommandLine a, string path, int steps)
    {
        var series = LoadSeries(path, a.String("--column"), steps);
        int total = series.Values.Length;
        var held = HoldoutBlock(a, total, steps);
        if (held.End - held.Start <= 0)
            throw new DataFormatException(path, $"the series has {total} values; the held-out block would be empty.");
        var (train, test) = Split(series, held, e => new DataFormatException(path, $"the series has {total} values; {Lower(e.Message)}"));
        if (ValidationFor(a, total, held, steps) is not { } block) return new ForecastData(series, train, test, held, train.Count, null, null);
        var (rest, validation) = Split(train, block, e => new UsageException($"--validation block {block.Start}-{block.End - 1}: {Lower(e.Message)}"));
        return new ForecastData(series, rest, test, held, train.Count, validation, block);
    }

    /// <summary>The whole series of a column (for <c>rnn forecast --horizon</c>).</summary>
    public static float[] LoadValues(string path, string? column, int steps) => LoadSeries(path, column, steps).Values;

    /// <summary>The column as windows; a missing column, text cell or short series is a one-line error.</summary>
    private static TimeSeriesDataset LoadSeries(string path, string? column, int steps)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"data file '{path}' not found.", path);
        return int.TryParse(column, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index)
            ? CsvDataset.LoadSeries(path, steps, columnIndex: index)
            : CsvDataset.LoadSeries(path, steps, column: column);
    }

    /// <summary>
    /// The held-out block [start, end): floor(L·fraction) values, centred unless --holdout-start says where;
    /// it must leave T values before it to seed the generation.
    /// </summary>
    private static (int Start, int End) HoldoutBlock(CommandLine a, int total, int steps)
    {
        double fraction = Fraction(a, "--holdout") ?? HoldoutFraction;
        int length = (int)Math.Floor(total * fraction);
        if (total - length < steps)
            throw new UsageException($"Holding out {length} of {total} values leaves fewer than the {steps} values before the block that seed the generation.");
        int start = a.Int("--holdout-start", steps, total - length) ?? (total - length) / 2;
        return (start, start + length);
    }

    /// <summary>
    /// The validation block: floor(L·fraction) values, centred in the longer stretch outside the held-out block
    /// unless --validation-start says where; it may not overlap the held-out block. Null without --validation.
    /// </summary>
    private static (int Start, int End)? ValidationFor(CommandLine a, int total, (int Start, int End) held, int steps)
    {
        if (Fraction(a, "--validation") is not double fraction) return null;
        int length = (int)Math.Floor(total * fraction);
        var (from, to) = held.Start >= total - held.End ? (0, held.Start) : (held.End, total);
        if (length < steps + 1 || length > to - from)
            throw new UsageException($"--validation {a.String("--validation")} makes a block of {length} values; it needs at least {steps + 1} " +
                $"(a window of {steps} steps and its shifted target) and at most {to - from} (the longer stretch outside the held-out block).");
        int start = a.Int("--validation-start", 0, total - length) ?? from + (to - from - length) / 2;
        if (start < held.End && start + length > held.Start)
            throw new UsageException($"--validation-start {start}: the validation block {start}-{start + length - 1} overlaps the held-out block {held.Start}-{held.End - 1}.");
        return (start, start + length);
    }

    private static double? Fraction(CommandLine a, string name)
    {
        double? fraction = a.Positive(name);
        if (fraction >= 1) throw new UsageException($"{name} must be a fraction in (0, 1), got '{a.String(name)}'.");
        return fraction;
    }

    // The windows outside and inside a block; a block without windows (or leaving none outside) becomes error(e).
    private static (TimeSeriesDataset Outside, TimeSeriesDataset Inside) Split(TimeSeriesDataset windows, (int Start, int End) block,
        Func<ArgumentException, Exception> error)
    {
        try
        {
            return windows.SplitBlock(block.Start, block.End - block.Start);
        }
        catch (ArgumentException e) when (e is not ArgumentOutOfRangeException)
        {
            throw error(e);
        }
    }

    private static string Lower(string message) => $"{char.ToLowerInvariant(message[0])}{message[1..]}";
}
