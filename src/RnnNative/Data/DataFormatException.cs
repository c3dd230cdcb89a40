namespace RnnNative.Data;

/// <summary>
/// A data file (IDX, CSV, MNIST folder) is malformed: bad magic, a lying or truncated header, a ragged row,
/// a non-numeric cell... The message names the file and, where there is one, the line and column.
/// </summary>
public sealed class DataFormatException : FormatException
{
    /// <summary>Creates the exception; the message becomes "<c>source: line L, column C: problem</c>".</summary>
    public DataFormatException(string? source, string problem, long? line = null, string? column = null,
        Exception? inner = null)
        : base(Compose(source, problem, line, column), inner)
    {
        SourceName = source;
        Problem = problem;
        Line = line;
        Column = column;
    }

    /// <summary>The file path or stream name the problem was found in, when known.</summary>
    public string? SourceName { get; }

    /// <summary>The problem alone, without the location.</summary>
    public string Problem { get; }

    /// <summary>1-based line of a text file, when the problem has one.</summary>
    public long? Line { get; }

    /// <summary>The column (1-based number and, when the file has a header, its name), when the problem has one.</summary>
    public string? Column { get; }

    private static string Compose(string? source, string problem, long? line, string? column)
    {
        string where = source ?? "<stream>";
        if (line is not null) where += $": line {line}";
        if (column is not null) where += $", column {column}";
        return $"{where}: {problem}";
    }
}
