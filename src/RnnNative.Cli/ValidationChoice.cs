using System.Globalization;
using RnnNative.Data;
using RnnNative.Training;

namespace RnnNative.Cli;

/// <summary>
/// <c>rnn train --validation F|N --monitor val_loss|val_accuracy --patience N</c>: a seeded hold-out of the training
/// data scored after every epoch, which chooses <c>best.ckpt</c> and may stop training early. The test set is scored
/// once, on the chosen model.
/// </summary>
/// <param name="Fraction">A fraction in (0, 1) of the training examples, or null.</param>
/// <param name="Count">A number of examples, or null (0 disables validation).</param>
/// <param name="Monitor">The metric that chooses the best epoch.</param>
/// <param name="Patience">Epochs without improvement before stopping; null for no early stopping.</param>
internal sealed record ValidationChoice(double? Fraction, int? Count, string Monitor, int? Patience)
{
    /// <summary>The default hold-out: 5,000 examples of a large IDX training set, else 10%.</summary>
    public const int IdxDefaultCount = 5000, IdxDefaultMinimumTrain = 50_000;

    /// <summary>The default fraction for CSV files and small IDX sets.</summary>
    public const double DefaultFraction = 0.1;

    public static readonly string[] Options = ["--validation", "--monitor", "--patience"];

    public const string Help = """
          --validation F|N   hold out a fraction F in (0,1) or N examples of the training data (seeded by --seed)
                             as the validation set, scored every epoch; it chooses best.ckpt. Default: 5000
                             for IDX folders (10% when fewer than 50000 training examples), 10% for CSV.
                             0: none (best.ckpt is then the last epoch; the test set never chooses)
          --monitor NAME     val_loss | val_accuracy: what chooses best.ckpt (default val_loss)
          --patience N       stop after N epochs without improvement of --monitor (default: never)
        """;

    private static readonly IReadOnlyDictionary<string, int> Monitors = new Dictionary<string, int>
    {
        [EarlyStopping.ValidationLoss] = 0,
        [EarlyStopping.ValidationAccuracy] = 1,
    };

    /// <summary>Reads the three options (usage errors name the option).</summary>
    public static ValidationChoice Parse(CommandLine a)
    {
        double? fraction = null;
        int? count = null;
        if (a.String("--validation") is { } text)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v) || v < 0
                || (v >= 1 && v != Math.Floor(v)))
                throw new UsageException($"--validation must be a fraction in (0, 1), a whole number of examples or 0, got '{text}'.");
            if (v >= 1 || v == 0) count = v > int.MaxValue ? int.MaxValue : (int)v;
            else fraction = v;
        }
        string monitor = a.Choice("--monitor", Monitors) is int m ? Monitors.First(p => p.Value == m).Key : EarlyStopping.ValidationLoss;
        return new ValidationChoice(fraction, count, monitor, a.Int("--patience", 1));
    }

    /// <summary>Whether a validation set is asked for.</summary>
    public bool Enabled => Count != 0;

    /// <summary>The early-stopping rule, or null without validation.</summary>
    public EarlyStopping? Stopping() => Enabled ? new EarlyStopping(Monitor, Patience) : null;

    /// <summary>Splits <paramref name="train"/>; records the split in <paramref name="metadata"/>; describes it.</summary>
    public (Dataset Train, Dataset? Validation, string Description) Apply(Dataset train, ulong seed, bool idx,
        IDictionary<string, string> metadata)
    {
        if (!Enabled)
        {
            if (Patience is not null) throw new UsageException("--patience needs a validation set: drop --validation 0.");
            return (train, null, "none (--validation 0): best.ckpt is the last epoch");
        }
        int count = Count ?? (Fraction is double f ? (int)Math.Floor(train.Count * f)
            : idx && train.Count >= IdxDefaultMinimumTrain ? IdxDefaultCount : (int)Math.Floor(train.Count * DefaultFraction));
        if (count < 1 || count >= train.Count)
            throw new UsageException($"--validation: {count} of {train.Count} training examples leaves no validation or no training set.");
        var (rest, validation) = train.Split(count, seed);
        metadata["data.validation_count"] = count.ToString(CultureInfo.InvariantCulture);
        metadata["data.validation_seed"] = seed.ToString(CultureInfo.InvariantCulture);
        string stop = Patience is int p ? $", early stopping after {TrainCommand.Plural(p, "epoch")} without improvement" : "";
        return (rest, validation, $"{count} of the {train.Count} training examples (seed {seed}), {Monitor} chooses best.ckpt{stop}");
    }
}
