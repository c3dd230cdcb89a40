using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace RnnNative.Data;

/// <summary>
/// Walks the data rows of a CSV (raw or gzip) with CsvHelper's parser, invariant culture, and turns every
/// problem into a <see cref="DataFormatException"/> naming the file, line and column.
/// The first row is a header when told so, or (auto) when none of its cells is a number.
/// </summary>
internal sealed class CsvCursor : IDisposable
{
    private const int MaxFieldChars = 1 << 16;
    private readonly Stream _decoded;
    private readonly CsvParser _parser;
    private bool _firstIsPending;

    public CsvCursor(Stream raw, string? source, bool? hasHeader, char delimiter)
    {
        Source = source;
        _decoded = DataStreams.Decode(raw, out _);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter.ToString(),
            MaxFieldSize = MaxFieldChars,
            IgnoreBlankLines = true,
        };
        _parser = new CsvParser(new StreamReader(_decoded, Encoding.UTF8), config);
        if (!ReadRecord()) throw new DataFormatException(source, "empty CSV: no rows.");
        ColumnCount = _parser.Count;
        Line = _parser.RawRow;
        bool header = hasHeader ?? !Enumerable.Range(0, ColumnCount).Any(c => TryNumber(Field(c), out _));
        if (header) Header = Enumerable.Range(0, ColumnCount).Select(Field).ToArray();
        else _firstIsPending = true;
    }

    public string? Source { get; }

    /// <summary>The header's names, or null when the file has none.</summary>
    public string[]? Header { get; }

    /// <summary>Fields per row, set by the first row; every other row must have as many.</summary>
    public int ColumnCount { get; }

    /// <summary>1-based line of the current row.</summary>
    public long Line { get; private set; }

    /// <summary>Moves to the next data row; false at the end. A row with a different field count throws.</summary>
    public bool Next()
    {
        if (_firstIsPending)
        {
            _firstIsPending = false;
            return true;
        }
        if (!ReadRecord()) return false;
        Line = _parser.RawRow;
        if (_parser.Count != ColumnCount)
            throw new DataFormatException(Source,
                $"ragged row: {_parser.Count} fields where the first row has {ColumnCount}.", Line);
        return true;
    }

    /// <summary>The finite number in <paramref name="column"/> of the current row.</summary>
    public float Number(int column)
    {
        string cell = Field(column);
        if (string.IsNullOrWhiteSpace(cell)) throw Cell(column, "missing value (empty cell).");
        if (!TryNumber(cell, out double value)) throw Cell(column, $"'{Clip(cell)}' is not a number.");
        float f = (float)value;
        if (!float.IsFinite(f)) throw Cell(column, $"'{Clip(cell)}' is not a finite 32-bit number.");
        return f;
    }

    /// <summary>The class label in <paramref name="column"/>: an integer in [0, <paramref name="classLimit"/>).</summary>
    public int Label(int column, int classLimit)
    {
        string cell = Field(column);
        if (string.IsNullOrWhiteSpace(cell)) throw Cell(column, "missing label (empty cell).");
        if (!TryNumber(cell, out double value) || value != Math.Floor(value))
            throw Cell(column, $"label '{Clip(cell)}' is not an integer.");
        if (value < 0) throw Cell(column, $"label {value} is negative; labels are class indices >= 0.");
        if (value >= classLimit) throw Cell(column, $"label {value} is not below the class limit {classLimit}.");
        return (int)value;
    }

    /// <summary>The 0-based index of the column named <paramref name="name"/> (needs a header).</summary>
    public int ColumnOf(string name)
    {
        if (Header is null) throw new DataFormatException(Source, $"column '{name}' asked by name but the file has no header.");
        int index = Array.IndexOf(Header, name);
        if (index < 0) throw new DataFormatException(Source, $"no column named '{name}' in the header ({string.Join(", ", Header)}).");
        return index;
    }

    /// <summary>A 0-based index from one that may count from the end (-1 = last).</summary>
    public int ColumnAt(int index)
    {
        int resolved = index < 0 ? ColumnCount + index : index;
        if (resolved < 0 || resolved >= ColumnCount)
            throw new DataFormatException(Source, $"column index {index} is outside the file's {ColumnCount} columns.");
        return resolved;
    }

    public string ColumnName(int column) =>
        Header is null ? $"{column + 1}" : $"{column + 1} ('{Clip(Header[column])}')";

    public void Dispose()
    {
        _parser.Dispose();
        _decoded.Dispose();
    }

    private bool ReadRecord() => Parse(() => _parser.Read());

    // CsvHelper parses a field lazily: bad quoting surfaces when the field is read.
    private string Field(int column) => Parse(() => _parser[column]);

    private T Parse<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (CsvHelperException e)
        {
            throw new DataFormatException(Source, $"malformed CSV ({e.GetType().Name}).", _parser.RawRow, inner: e);
        }
    }

    private DataFormatException Cell(int column, string problem) => new(Source, problem, Line, ColumnName(column));

    private static bool TryNumber(string cell, out double value) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
