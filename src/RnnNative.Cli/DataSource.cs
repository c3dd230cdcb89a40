using System.Globalization;
using System.Security.Cryptography;
using RnnNative.Data;
using RnnNative.Training;

namespace RnnNative.Cli;

/// <summary>Names of the metadata a checkpoint of <c>rnn train</c> carries.</summary>
internal static class Meta
{
    public const string Epoch = "epoch", TrainLoss = "train_loss", TestLoss = "test_loss", TestAccuracy = "test_accuracy";
    public const string TestCorrect = "test_correct", TestCount = "test_count", EvalBatch = "eval_batch", Backend = "backend";
    public const string DataKind = "data.kind", DataPath = "data.path", DataSha256 = "data.sha256";
    public const string TestFraction = "data.test_fraction", SplitSeed = "data.split_seed", FeatureScales = "data.feature_scales";
    public const string LabelColumn = "data.label_column", ClassNames = "data.class_names";
    public const string Idx = "idx", Csv = "csv";
}

/// <summary>Training data and where it came from.</summary>
internal sealed record TrainingData(Dataset Train, Dataset Test, string Description, Dictionary<string, string> Metadata);

/// <summary>
/// Finds and loads the data of a command: an MNIST-format IDX folder (its own train/t10k split) or a CSV file
/// (label and shape from <see cref="CsvLayout"/>; a seeded 20% hold-out is the test set), and reproduces that split for <c>rnn eval</c>.
/// </summary>
internal static class DataSource
{
    public const string DefaultIdx = "data/fashion-mnist", DefaultCsv = "data/digits.csv.gz";
    public const double CsvTestFraction = 0.2;

    /// <summary>The --data value, or the default: data/fashion-mnist when present, else data/digits.csv.gz.</summary>
    public static string Resolve(string? data)
    {
        if (data is not null) return data;
        if (Directory.Exists(DefaultIdx)) return DefaultIdx;
        if (File.Exists(DefaultCsv)) return DefaultCsv;
        throw new CliException($"no --data given and neither {DefaultIdx} (build.ps1 data) nor {DefaultCsv} exists here.");
    }

    /// <summary>Loads training and test sets; <paramref name="limit"/> keeps the first N training examples.</summary>
    public static TrainingData ForTraining(string path, ulong seed, int? limit, CsvChoice? csv = null)
    {
        var meta = new Dictionary<string, string> { [Meta.DataPath] = Path.GetFullPath(path) };
        Dataset train, test;
        string kind, label;
        if (Directory.Exists(path))
        {
            if (csv is { IsEmpty: false }) throw new UsageException("--label, --steps and --inputs are for CSV data; an IDX folder has its own labels and shape.");
            var (trainImages, testImages) = (MnistDataset.Load(path, train: true), MnistDataset.Load(path, train: false));
            int classes = ClassLabels.Count(trainImages.Labels, $"{path} (training labels)");
            ClassLabels.CheckWithin(testImages.Labels, classes, $"{path} (t10k test labels)");
            (train, test) = (trainImages.AsDataset(classes), testImages.AsDataset(classes));
            meta[Meta.DataKind] = Meta.Idx;
            kind = "MNIST-format IDX";
            label = "the IDX labels file";
        }
        else
        {
            var layout = CsvLayout.Infer(path, csv ?? new CsvChoice());
            var all = LoadCsv(path, layout, null);
            ClassLabels.Count(all.Labels, path);
            (train, test) = all.Split(CsvTestFraction, seed);
            meta[Meta.DataKind] = Meta.Csv;
            meta[Meta.DataSha256] = Sha256(path);
            meta[Meta.TestFraction] = CsvTestFraction.ToString("R", CultureInfo.InvariantCulture);
            meta[Meta.SplitSeed] = seed.ToString(CultureInfo.InvariantCulture);
            meta[Meta.LabelColumn] = layout.LabelColumn.ToString(CultureInfo.InvariantCulture);
            meta[Meta.FeatureScales] = string.Join(",", all.FeatureScales!.Select(s => s.ToString("R", CultureInfo.InvariantCulture)));
            kind = $"CSV, seeded {CsvTestFraction * 100:F0}% hold-out";
            label = $"column {layout.LabelDescription}";
        }
        if (limit is int n && n < train.Count) train = train.Subset(Enumerable.Range(0, n).ToArray());
        int classCount = Math.Max(train.Classes, test.Classes);
        string[]? names = Cli.ClassNames.Find(path, classCount);
        if (names is not null) meta[Meta.ClassNames] = Cli.ClassNames.Format(names);
        string description = $"{path}: {kind}, {train.Count} training / {test.Count} test examples\n" +
            $"layout:  label {label}; {train.Steps} steps x {train.Inputs} inputs; {classCount} classes" +
            (names is null ? "" : $" ({string.Join(", ", names)})");
        return new TrainingData(train, test, description, meta);
    }

    /// <summary>
    /// The examples <c>rnn eval</c> scores: a folder's t10k set; for the CSV the model was trained on (same
    /// SHA-256), the same hold-out unless <paramref name="all"/>; any other CSV whole. Scaled as in training.
    /// </summary>
    public static (Dataset Data, string Description) ForEval(string path, Checkpoint checkpoint, bool all)
    {
        if (Directory.Exists(path))
        {
            var test = MnistDataset.Load(path, train: false);
            return (test.AsDataset(), $"{path}: t10k test set, {test.Count} examples");
        }
        var m = checkpoint.Metadata;
        var layout = CsvLayout.Recorded(m, checkpoint.ClassifierOptions.Steps, checkpoint.ClassifierOptions.Inputs);
        var data = LoadCsv(path, layout, RawScales(checkpoint));
        bool sameFile = m.GetValueOrDefault(Meta.DataSha256) is { } sha && sha == Sha256(path);
        if (all || !sameFile) return (data, $"{path}: all {data.Count} examples; {layout}");
        double fraction = double.Parse(m[Meta.TestFraction], CultureInfo.InvariantCulture);
        ulong seed = ulong.Parse(m[Meta.SplitSeed], CultureInfo.InvariantCulture);
        var holdOut = data.Split(fraction, seed).Validation;
        return (holdOut, $"{path}: the {fraction * 100:F0}% hold-out of training (seed {seed}), {holdOut.Count} examples; {layout}");
    }

    /// <summary>Multipliers from raw file values to model inputs (T*I): the CSV's recorded scales, or 1/255 for IDX images.</summary>
    public static float[] RawScales(Checkpoint checkpoint)
    {
        int features = checkpoint.ClassifierOptions.Steps * checkpoint.ClassifierOptions.Inputs;
        if (checkpoint.Metadata.GetValueOrDefault(Meta.FeatureScales) is not { } text)
            return Enumerable.Repeat(1f / 255f, features).ToArray();
        var scales = text.Split(',').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        if (scales.Length != features)
            throw new CheckpointException($"The checkpoint records {scales.Length} feature scales for {features} inputs.");
        return scales;
    }

    /// <summary>Loads a classification CSV with <paramref name="layout"/>; option mismatches with the file become one-line errors.</summary>
    public static Dataset LoadCsv(string path, CsvLayout layout, float[]? scales)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"data '{path}' not found (expected an MNIST-format folder or a CSV file).");
        try
        {
            return CsvDataset.Load(path, new CsvOptions { LabelIndex = layout.LabelColumn, Steps = layout.Steps, Scales = scales });
        }
        catch (ArgumentException e)
        {
            throw new CliException($"{path}: {e.Message}");
        }
    }

    private static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }
}
