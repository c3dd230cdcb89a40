using System.Globalization;
using System.Text;
using RnnNative.Training;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary><c>rnn predict</c>: one CSV line per example: row, predicted class, [label,] class probabilities.</summary>
internal static class PredictCommand
{
    private const string Help = """
        usage: rnn predict --model DIR|FILE --data FILE|- [options]
          --model DIR|FILE   a run folder (uses its model.ckpt) or a checkpoint file
          --data FILE|-      IDX images file ([N, T, I] or one [T, I]), CSV file, or - for CSV rows on stdin;
                             each row: T*I raw values (as in the training file), optionally with the label
                             (in the training CSV's label column, else last)
          --batch N          examples per batch (default 150)
          --backend NAME     openblas | mkl | managed
          --threads N        threads (default: the cores); with more than one, the fused RNN cuts the batch across them
                             and every GEMM runs single-threaded
          --quiet            no progress display (on stderr, when the data is more than 5 batches)
        Output (CSV): row,predicted[,label],p0,...,p{C-1}
        """;

    /// <summary>Runs the command: the CSV on <paramref name="console"/>, the progress display on <paramref name="errors"/>.</summary>
    public static int Run(string[] args, IAnsiConsole console, IAnsiConsole errors, TextReader stdin)
    {
        var a = CommandLine.Parse("predict", args, ["--model", "--data", "--batch", "--backend", "--threads"], ["--help", "--quiet"]);
        if (a.Has("--help"))
        {
            console.WriteLine(Help);
            return 0;
        }
        var (backend, threads) = Backends.Parse(a);
        int? batch = a.Int("--batch", 1, 1 << 20);
        string source = a.Required("--data");
        using var loaded = LoadedModel.Open(a.Required("--model"), backend, threads);
        var o = loaded.Model.Options;
        var (data, labelled) = PredictInput.Load(source, stdin, o.Steps, o.Inputs, o.Classes, DataSource.RawScales(loaded.Checkpoint),
            CsvLayout.Recorded(loaded.Checkpoint.Metadata, o.Steps, o.Inputs).LabelColumn);
        var display = new ProgressDisplay(errors, "predict", "examples", a.Has("--quiet"), "examples/s").BeginAt(0);
        float[] p = EvaluationProgress.Probabilities(new Evaluator(loaded.Model, loaded.Session, batch ?? loaded.EvalBatch), data, o.Classes, display);
        var predicted = new int[data.Count];
        Evaluator.ArgMaxRows(p, o.Classes, predicted);

        var line = new StringBuilder("row,predicted");
        if (labelled) line.Append(",label");
        for (int c = 0; c < o.Classes; c++) line.Append(CultureInfo.InvariantCulture, $",p{c}");
        console.Profile.Out.Writer.WriteLine(line);
        for (int n = 0; n < data.Count; n++)
        {
            line.Clear().Append(CultureInfo.InvariantCulture, $"{n},{predicted[n]}");
            if (labelled) line.Append(CultureInfo.InvariantCulture, $",{data.Labels[n]}");
            for (int c = 0; c < o.Classes; c++) line.Append(CultureInfo.InvariantCulture, $",{p[n * o.Classes + c]:0.######}");
            console.Profile.Out.Writer.WriteLine(line);
        }
        return 0;
    }
}
