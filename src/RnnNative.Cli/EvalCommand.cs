using System.Globalization;
using RnnNative.Training;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary><c>rnn eval</c>: accuracy, loss and confusion matrix of a saved model (table and PNG).</summary>
internal static class EvalCommand
{
    private const string Help = """
        usage: rnn eval --model DIR|FILE [options]
          --model DIR|FILE   a run folder (uses its model.ckpt) or a checkpoint file such as DIR/best.ckpt
          --data PATH        IDX folder (its t10k set) or CSV; default: the data the model was trained on.
                             The training CSV itself is scored on the same seeded hold-out as in training.
          --all              score every row of the CSV, not the hold-out
          --batch N          examples per batch (default: the training run's, so results reproduce exactly)
          --out DIR          where confusion.png goes (default: the checkpoint's folder)
          --backend NAME     openblas | mkl | managed
          --threads N        threads (default: the cores); with more than one, the fused RNN cuts the batch across them
                             and every GEMM runs single-threaded
          --quiet            no progress display (shown when the data is more than 5 batches)
        """;

    public static int Run(string[] args, IAnsiConsole console)
    {
        var a = CommandLine.Parse("eval", args, ["--model", "--data", "--batch", "--out", "--backend", "--threads"], ["--help", "--all", "--quiet"]);
        if (a.Has("--help"))
        {
            console.WriteLine(Help);
            return 0;
        }
        var (backend, threads) = Backends.Parse(a);
        int? batchOption = a.Int("--batch", 1, 1 << 20);
        using var loaded = LoadedModel.Open(a.Required("--model"), backend, threads);
        var checkpoint = loaded.Checkpoint;
        string dataPath = a.String("--data") ?? checkpoint.Metadata.GetValueOrDefault(Meta.DataPath)
            ?? throw new UsageException("the checkpoint does not record its data; pass --data.");
        var (data, description) = DataSource.ForEval(dataPath, checkpoint, a.Has("--all"));
        loaded.CheckFits(data, dataPath);

        string epoch = checkpoint.Metadata.GetValueOrDefault(Meta.Epoch) is { } e ? $", epoch {e}" : "";
        console.WriteLine($"model:    {loaded.Path}{epoch}: {TrainCommand.Describe(checkpoint.ClassifierOptions)}");
        console.WriteLine($"data:     {description}");
        console.WriteLine($"backend:  {Backends.Describe(loaded.Session)}");
        var evaluator = new Evaluator(loaded.Model, loaded.Session, batchOption ?? loaded.EvalBatch);
        var display = new ProgressDisplay(console, "eval", "examples", a.Has("--quiet"), "examples/s").BeginAt(0);
        var result = EvaluationProgress.Evaluate(evaluator, data, withPredictions: true, display);
        int classes = checkpoint.ClassifierOptions.Classes;
        var counts = new int[classes, classes];
        for (int n = 0; n < data.Count; n++) counts[data.Labels[n], result.Predictions![n]]++;

        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"accuracy [green]{100 * result.Accuracy:F2}% ({result.Correct}/{result.Count})[/], loss {result.Loss:F4}"));
        var names = ClassNames.Recorded(checkpoint.Metadata, classes);
        console.Write(ConfusionTable(counts, names));
        string folder = a.String("--out") ?? Path.GetDirectoryName(Path.GetFullPath(loaded.Path))!;
        Directory.CreateDirectory(folder);
        string png = Path.Combine(folder, "confusion.png");
        Charts.Confusion(counts, png, names);
        console.WriteLine($"wrote {png}");
        return 0;
    }

    /// <summary>Rows: true class; columns: predicted class (by name when the data set has names); the diagonal in green.</summary>
    private static Table ConfusionTable(int[,] counts, IReadOnlyList<string>? names)
    {
        int classes = counts.GetLength(0);
        string Name(int c) => Markup.Escape(names?[c] ?? c.ToString(CultureInfo.InvariantCulture));
        var table = new Table { Title = new TableTitle("confusion matrix"), Caption = new TableTitle("rows: true class, columns: predicted") };
        table.AddColumn(new TableColumn("true").RightAligned());
        for (int p = 0; p < classes; p++) table.AddColumn(new TableColumn(Name(p)).RightAligned());
        for (int t = 0; t < classes; t++)
        {
            var cells = new List<string> { Name(t) };
            for (int p = 0; p < classes; p++)
                cells.Add(p == t ? $"[green]{counts[t, p]}[/]" : counts[t, p] == 0 ? "[grey].[/]" : counts[t, p].ToString(CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }
        return table;
    }
}
