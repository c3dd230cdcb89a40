using RnnNative.Blas;

namespace RnnNative.Cli;

/// <summary>The <c>--backend</c> and <c>--threads</c> options and sessions on the chosen GEMM backend.</summary>
internal static class Backends
{
    /// <summary>The backend names the options accept (<see cref="BlasBackend.Names"/>).</summary>
    public static IReadOnlyDictionary<string, BlasKind> Choices => BlasBackend.Names;

    /// <summary>The option name of a backend kind.</summary>
    public static string Name(BlasKind kind) => BlasBackend.NameOf(kind);

    /// <summary>The backend and thread options of a command line.</summary>
    public static (BlasKind? Kind, int? Threads) Parse(CommandLine args) =>
        (args.Choice("--backend", Choices), args.Int("--threads", 1, 256));

    /// <summary>The <c>--precision</c> choices: the GEMM operands' precision.</summary>
    public static readonly IReadOnlyDictionary<string, Precision> Precisions = new Dictionary<string, Precision>
    {
        ["fp32"] = Precision.Float32,
        ["bf16"] = Precision.BFloat16,
    };

    /// <summary>The <c>--precision</c> option (fp32 when absent).</summary>
    public static Precision ParsePrecision(CommandLine args) => args.Choice("--precision", Precisions) ?? Precision.Float32;

    /// <summary>A session for <paramref name="graph"/>; an unavailable backend or precision is a one-line error.</summary>
    public static Session OpenSession(Graph graph, BlasKind? kind, int? threads, Precision precision = Precision.Float32)
    {
        var options = new SessionOptions { Backend = kind, Threads = threads ?? new SessionOptions().Threads, Precision = precision };
        try
        {
            return new Session(graph, options);
        }
        catch (NotSupportedException e) when (precision != Precision.Float32)
        {
            throw new CliException($"--precision bf16 is not available: {OneLine(e.Message)}");
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or EntryPointNotFoundException)
        {
            string which = kind is { } k ? Name(k) : "the default backend";
            throw new CliException($"BLAS backend {which} is not available: {OneLine(e.Message)}");
        }
    }

    /// <summary>
    /// A multi-line report (e.g. a loader's "Tried, in order:", one "- path: reason" line per attempt, then
    /// "Fix: ...") as one line: its lines joined, the list items separated by "; ".
    /// </summary>
    public static string OneLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length <= 1) return lines.Length == 0 ? message : lines[0];
        var text = new System.Text.StringBuilder(lines[0]);
        for (int i = 1; i < lines.Length; i++)
        {
            bool item = lines[i].StartsWith("- ", StringComparison.Ordinal);
            bool previousItem = lines[i - 1].StartsWith("- ", StringComparison.Ordinal);
            text.Append(item && previousItem ? "; " : " ").Append(item ? lines[i][2..] : lines[i]);
        }
        return text.ToString();
    }

    /// <summary>A one-line description of a session's backend.</summary>
    public static string Describe(Session session)
    {
        var blas = session.Blas;
        string threads = blas.Threads == 1 ? "1 thread" : $"{blas.Threads} threads";
        string line = $"{Name(blas.Kind)} ({blas.Version}; {threads})";
        if (session.Precision == Precision.BFloat16) line += $", bf16 GEMMs: {blas.Bf16Kernel}";
        // The default falls back to the managed GEMM where OpenBLAS does not load: say so, and how to fix it.
        if (BlasBackend.IsDefaultFallback(blas.Kind))
            line += " — OpenBLAS not found, using the slower managed GEMM (fix: dotnet tool restore && dotnet pwsh build.ps1 deps)";
        return line;
    }
}
