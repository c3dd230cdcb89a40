using RnnNative.Data;
using RnnNative.Training;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>
/// The <c>rnn</c> command line: <c>train</c>, <c>eval</c>, <c>predict</c>, <c>info</c>. Callable in-process
/// (tests) through <see cref="Run(string[], TextWriter)"/>.
/// </summary>
/// <remarks>
/// Exit codes: 0 success, 1 a failure the user can fix (missing or malformed file, incompatible checkpoint,
/// unavailable backend), 2 a command-line mistake, 70 an internal error, 130 training stopped by Ctrl+C
/// (after saving). Errors are one red line; <c>--verbose</c> adds the stack trace.
/// </remarks>
public static class RnnCli
{
    internal const string Usage = """
        usage: rnn <command> [options]        (rnn <command> --help for its options; rnn --version)
          train     train a sequence classifier (defaults: the lecture's 28x28 model on data/fashion-mnist)
          eval      accuracy and confusion matrix of a saved model on a data set
          predict   class and probabilities for each example of a file or of CSV rows on stdin
          forecast  the lecture's time series: train on a CSV column, score held-out windows, generate, plot
          textgen   character-level language model on a UTF-8 text: bits/char, checkpoint, sampled text
          export    a saved model as an ONNX file (ONNX Runtime and other runtimes)
          info      BLAS backends, native library, threads, CPU features, .NET version
          bench     training throughput per backend and thread count against the machine's GEMM limit
          langid    sequence to vector: which language a word is from (GRU over characters, variable lengths)
          generate  vector to sequence: Fashion-MNIST images generated row by row from their class
        """;

    /// <summary>Runs one command with all output (and errors) written to <paramref name="output"/>.</summary>
    public static int Run(string[] args, TextWriter output) => Run(args, output, output, TextReader.Null, default);

    /// <summary>Runs one command.</summary>
    /// <param name="args">The arguments after <c>rnn</c>.</param>
    /// <param name="output">Normal output.</param>
    /// <param name="error">Error lines.</param>
    /// <param name="input">Standard input (for <c>rnn predict --data -</c>).</param>
    /// <param name="cancellation">Stops training after the current batch.</param>
    /// <param name="terminal">Whether output is the process console (live progress when it is an interactive terminal).</param>
    public static int Run(string[] args, TextWriter output, TextWriter error, TextReader input,
        CancellationToken cancellation, bool terminal = false)
    {
        var console = Consoles.Create(output, terminal);
        var errors = Consoles.Create(error, terminal, redirected: Console.IsErrorRedirected);
        bool verbose = args.Contains("--verbose");
        string[] rest = args.Where(a => a != "--verbose").ToArray();
        try
        {
            return Dispatch(rest, console, errors, input, cancellation);
        }
        catch (Exception e) when (UserMessage(e) is { } message)
        {
            Consoles.WriteLine(errors, "[red]error:[/]", Backends.OneLine(message));
            if (verbose) errors.WriteLine(e.ToString());
            return e is UsageException ? 2 : 1;
        }
        catch (Exception e)
        {
            Consoles.WriteLine(errors, $"[red]internal error ({Markup.Escape(e.GetType().Name)}):[/]", Backends.OneLine(e.Message));
            if (verbose) errors.WriteLine(e.ToString());
            else errors.WriteLine("(run again with --verbose for the stack trace)");
            return 70;
        }
    }

    // errors: where predict and bench --json show progress (their stdout is machine-readable).
    private static int Dispatch(string[] args, IAnsiConsole console, IAnsiConsole errors, TextReader input, CancellationToken cancellation)
    {
        if (args.Length == 1 && args[0] is "--version")
        {
            console.WriteLine($"rnn {Version}");
            return 0;
        }
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        var options = args[1..];
        return args[0] switch
        {
            "train" => TrainCommand.Run(options, console, cancellation),
            "eval" => EvalCommand.Run(options, console),
            "predict" => PredictCommand.Run(options, console, errors, input),
            "info" => InfoCommand.Run(options, console),
            "export" => ExportCommand.Run(options, console),
            "forecast" => ForecastCommand.Run(options, console, cancellation),
            "textgen" => TextGenCommand.Run(options, console, cancellation),
            "langid" => LangIdCommand.Run(options, console, cancellation),
            "generate" => GenerateCommand.Run(options, console, cancellation),
            "bench" => BenchCommand.Run(options, console, errors),
            _ => throw new UsageException($"unknown command '{args[0]}' (run 'rnn --help' for the list of commands)."),
        };
    }

    /// <summary>The informational version of the tool ("0.1.0+commit" when built from a git checkout).</summary>
    internal static string Version =>
        typeof(RnnCli).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion
        ?? typeof(RnnCli).Assembly.GetName().Version?.ToString() ?? "unknown";

    // The one-line message for a mistake the user can fix, or null for a bug.
    private static string? UserMessage(Exception e) => e switch
    {
        UsageException or CliException or DataFormatException or CheckpointException or TrainingDivergedException => e.Message,
        RnnNative.Distributed.MpiException => $"MPI: {e.Message}",
        FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException => e.Message,
        IOException => $"I/O error: {e.Message}",
        DllNotFoundException or EntryPointNotFoundException => $"native library: {e.Message}",
        _ => null,
    };
}
