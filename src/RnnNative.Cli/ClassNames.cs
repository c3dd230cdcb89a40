namespace RnnNative.Cli;

/// <summary>
/// Class names of a data set, shown by <c>rnn eval</c> (table and confusion.png) and recorded in checkpoints.
/// Rule: a <c>classes.txt</c> beside the data (inside an IDX folder; in the folder of a CSV file), one name per
/// line in label order; otherwise an IDX folder named <c>fashion-mnist</c> gets Fashion-MNIST's ten garment
/// names; otherwise none (classes are shown as numbers).
/// </summary>
internal static class ClassNames
{
    public const string FileName = "classes.txt";

    /// <summary>Fashion-MNIST's labels 0..9.</summary>
    public static readonly string[] FashionMnist =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The names for the data at <paramref name="path"/> with <paramref name="classes"/> classes, or null.</summary>
    public static string[]? Find(string path, int classes)
    {
        bool folder = Directory.Exists(path);
        string dir = folder ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        string file = Path.Combine(dir, FileName);
        if (File.Exists(file))
        {
            string[] names = File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
            if (names.Length != classes)
                throw new CliException($"{file} has {names.Length} names for {classes} classes (one name per line, in label order).");
            if (names.FirstOrDefault(n => n.Contains(',')) is { } bad) throw new CliException($"{file}: the class name '{bad}' contains a comma.");
            return names;
        }
        bool fashion = folder && string.Equals(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path))), "fashion-mnist",
            StringComparison.OrdinalIgnoreCase);
        return fashion && classes == FashionMnist.Length ? FashionMnist : null;
    }

    /// <summary>The metadata value: the names joined by commas.</summary>
    public static string Format(IReadOnlyList<string> names) => string.Join(",", names);

    /// <summary>The names a checkpoint recorded, when they match its class count.</summary>
    public static string[]? Recorded(IReadOnlyDictionary<string, string> metadata, int classes) =>
        metadata.GetValueOrDefault(Meta.ClassNames)?.Split(',') is { } names && names.Length == classes ? names : null;
}
