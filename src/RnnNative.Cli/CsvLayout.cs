using System.Globalization;
using RnnNative.Data;

namespace RnnNative.Cli;

/// <summary>The --label, --steps and --inputs of a command that reads a classification CSV (null: inferred).</summary>
internal sealed record CsvChoice(string? Label = null, int? Steps = null, int? Inputs = null)
{
    public bool IsEmpty => Label is null && Steps is null && Inputs is null;

    public static CsvChoice Parse(CommandLine a) =>
        new(a.String("--label"), a.Int("--steps", 1, 1 << 20), a.Int("--inputs", 1, 1 << 20));
}

/// <summary>
/// Which column of a classification CSV is the label and how its F = columns - 1 features become T steps x I
/// inputs. The label: --label NAME|INDEX (0-based; negative counts from the end); else a header column named
/// <c>label</c>, <c>class</c> or <c>target</c> (any case); a file without a header has it last; a header without
/// such a column is an error asking for --label. The shape: --steps and/or --inputs (T x I = F); else
/// T = I = √F when F is a square; anything else is an error asking for them.
/// </summary>
internal sealed record CsvLayout(int LabelColumn, string LabelDescription, int Steps, int Inputs)
{
    public static readonly string[] LabelNames = ["label", "class", "target"];

    /// <summary>"label column 1 ('label') (by its name); 8 steps x 8 inputs".</summary>
    public override string ToString() => $"label column {LabelDescription}; {Steps} steps x {Inputs} inputs";

    /// <summary>Reads the header (or first row) of <paramref name="path"/> and applies <paramref name="choice"/>.</summary>
    public static CsvLayout Infer(string path, CsvChoice choice)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"data '{path}' not found (expected an MNIST-format folder or a CSV file).");
        using var file = File.OpenRead(path);
        using var cursor = new CsvCursor(file, path, hasHeader: null, delimiter: ',');
        int label = FindLabel(cursor, path, choice.Label, out string how);
        var (steps, inputs) = Shape(cursor.ColumnCount - 1, choice.Steps, choice.Inputs);
        return new CsvLayout(label, $"{cursor.ColumnName(label)}{how}", steps, inputs);
    }

    /// <summary>The layout a checkpoint recorded (label column and shape), for scoring other files the same way.</summary>
    public static CsvLayout Recorded(IReadOnlyDictionary<string, string> metadata, int steps, int inputs)
    {
        int label = metadata.GetValueOrDefault(Meta.LabelColumn) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : -1;
        return new CsvLayout(label, label < 0 ? "last" : $"{label + 1}", steps, inputs);
    }

    private static int FindLabel(CsvCursor cursor, string path, string? label, out string how)
    {
        how = "";
        if (label is not null)
        {
            if (int.TryParse(label, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index))
            {
                if (index >= cursor.ColumnCount || index < -cursor.ColumnCount)
                    throw new UsageException($"--label {label} is outside the {cursor.ColumnCount} columns of {path} (0-based; -1 is the last).");
                return cursor.ColumnAt(index);
            }
            if (cursor.Header is null) throw new UsageException($"--label {label}: {path} has no header; give the column's 0-based index.");
            int named = Array.FindIndex(cursor.Header, h => string.Equals(h.Trim(), label, StringComparison.OrdinalIgnoreCase));
            if (named < 0) throw new UsageException($"--label {label}: no such column in the header of {path} ({Columns(cursor.Header)}).");
            return named;
        }
        if (cursor.Header is null)
        {
            how = " (last; the file has no header, --label picks another)";
            return cursor.ColumnCount - 1;
        }
        int found = Array.FindIndex(cursor.Header, h => LabelNames.Contains(h.Trim(), StringComparer.OrdinalIgnoreCase));
        if (found < 0)
            throw new UsageException($"{path}: no header column is named label, class or target ({Columns(cursor.Header)}); " +
                "pass --label NAME|INDEX to say which column holds the class.");
        how = " (by its name)";
        return found;
    }

    private static (int Steps, int Inputs) Shape(int features, int? steps, int? inputs)
    {
        if (features <= 0) throw new CliException("the CSV has no feature columns besides the label.");
        string Fail(string what) => $"{what}: the CSV has {features} feature columns, and steps x inputs must equal {features}.";
        if (steps is int t && inputs is int i)
            return t * (long)i == features ? (t, i) : throw new UsageException(Fail($"--steps {t} --inputs {i}"));
        if (steps is int t2) return features % t2 == 0 ? (t2, features / t2) : throw new UsageException(Fail($"--steps {t2}"));
        if (inputs is int i2) return features % i2 == 0 ? (features / i2, i2) : throw new UsageException(Fail($"--inputs {i2}"));
        int root = (int)Math.Round(Math.Sqrt(features));
        if (root * root == features) return (root, root);
        throw new UsageException($"the CSV has {features} feature columns, not a square: pass --steps T and/or --inputs I " +
            $"(T x I = {features}; --steps 1 reads them as one step).");
    }

    private static string Columns(string[] header) =>
        header.Length <= 6 ? string.Join(", ", header) : $"{string.Join(", ", header[..4])}, ..., {header[^1]}";
}
