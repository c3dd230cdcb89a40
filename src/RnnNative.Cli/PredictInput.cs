using System.Text;
using RnnNative.Data;

namespace RnnNative.Cli;

/// <summary>
/// Examples for <c>rnn predict</c> from an IDX images file ([N, T, I] or one [T, I]), a CSV file, or CSV rows on
/// stdin: each row T*I raw values, optionally followed by a label. Raw values are scaled as in training.
/// </summary>
internal static class PredictInput
{
    /// <summary>The examples (labels 0 when the input has none) and whether it had labels.</summary>
    /// <param name="labelColumn">Where a labelled row has its label (the training CSV's column; -1: last).</param>
    public static (Dataset Data, bool HasLabels) Load(string source, TextReader stdin, int steps, int inputs, int classes, float[] scales,
        int labelColumn = -1)
    {
        if (source == "-")
        {
            using var text = new MemoryStream(Encoding.UTF8.GetBytes(stdin.ReadToEnd()));
            return FromCsv(text, "<stdin>", steps, inputs, classes, scales, labelColumn);
        }
        if (Directory.Exists(source)) throw new CliException($"'{source}' is a folder; rnn predict takes an IDX images file, a CSV file or - (stdin).");
        if (!File.Exists(source)) throw new FileNotFoundException($"'{source}' not found.");
        using var file = File.OpenRead(source);
        if (LooksLikeIdx(file)) return (FromIdx(source, steps, inputs, classes, scales), false);
        file.Position = 0;
        return FromCsv(file, source, steps, inputs, classes, scales, labelColumn);
    }

    // Binary content goes to the IDX reader (which names a bad magic); text to the CSV reader. IDX starts with
    // two zero bytes; CSV text has no control bytes but tab, CR and LF, so any other one among the first
    // 64 (a damaged magic, a type code, a rank) marks the file as binary.
    private static bool LooksLikeIdx(Stream file)
    {
        using var decoded = DataStreams.Decode(file, out _);
        Span<byte> head = stackalloc byte[64];
        int got;
        try
        {
            got = DataStreams.ReadUpTo(decoded, head);
        }
        catch (InvalidDataException)
        {
            return false; // a damaged gzip: the CSV path reports it
        }
        foreach (byte b in head[..got])
            if (b < 0x20 && b is not (byte)'\t' and not (byte)'\r' and not (byte)'\n') return true;
        return false;
    }

    private static Dataset FromIdx(string path, int steps, int inputs, int classes, float[] scales)
    {
        var array = IdxReader.Read(path);
        int[] d = array.Dims;
        bool fits = (array.Rank == 3 && d[1] == steps && d[2] == inputs) || (array.Rank == 2 && d[0] == steps && d[1] == inputs);
        if (!fits)
            throw new CliException($"{path} holds an array [{string.Join(", ", d)}]; the model takes [N, {steps}, {inputs}] or one [{steps}, {inputs}].");
        float[] x = array.ToSingle();
        for (int k = 0; k < x.Length; k++)
        {
            float raw = x[k];
            x[k] *= scales[k % scales.Length];
            if (!float.IsFinite(x[k]))
                throw new DataFormatException(path, float.IsFinite(raw)
                    ? FormattableString.Invariant($"element {k} is {raw:R}, which the training scale {scales[k % scales.Length]:R} turns into {x[k]}.")
                    : FormattableString.Invariant($"element {k} is {raw}; the model takes finite numbers only."));
        }
        return new Dataset(x, new int[x.Length / scales.Length], steps, inputs, classes);
    }

    private static (Dataset, bool) FromCsv(Stream stream, string source, int steps, int inputs, int classes, float[] scales,
        int labelColumn) =>
        DataStreams.Guard(source, () => ReadCsv(stream, source, steps, inputs, classes, scales, labelColumn));

    private static (Dataset, bool) ReadCsv(Stream stream, string source, int steps, int inputs, int classes, float[] scales,
        int labelColumn)
    {
        int features = steps * inputs;
        using var cursor = new CsvCursor(stream, source, hasHeader: null, delimiter: ',');
        bool labelled = cursor.ColumnCount == features + 1;
        if (!labelled && cursor.ColumnCount != features)
            throw new DataFormatException(source,
                $"rows have {cursor.ColumnCount} fields; the model takes {features} values ({steps} x {inputs}), optionally followed by a label.");
        int label = labelled && labelColumn >= 0 && labelColumn < features ? labelColumn : features;
        int[] columns = Enumerable.Range(0, cursor.ColumnCount).Where(c => !labelled || c != label).ToArray();
        var x = new List<float>();
        var y = new List<int>();
        while (cursor.Next())
        {
            for (int f = 0; f < features; f++) x.Add(cursor.Number(columns[f]) * scales[f]);
            y.Add(labelled ? cursor.Label(label, classes) : 0);
        }
        if (y.Count == 0) throw new DataFormatException(source, "no data rows.");
        return (new Dataset(x.ToArray(), y.ToArray(), steps, inputs, classes), labelled);
    }
}
