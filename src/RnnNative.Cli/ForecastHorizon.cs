using System.Globalization;
using System.Text;
using RnnNative.Examples;
using RnnNative.Training;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>
/// <c>rnn forecast --model DIR --horizon N</c>: loads the forecaster saved by <c>rnn forecast</c> and continues the
/// series N values past its end, from its last T real values, each prediction fed back in; writes <c>horizon.csv</c>.
/// </summary>
internal static class ForecastHorizon
{
    public const string ModelFile = "model.ckpt", DataPath = "data.path", DataColumn = "data.column", HeldOutMse = "held_out_mse";

    /// <summary>Saves the trained forecaster as DIR/model.ckpt with where its data came from.</summary>
    public static string Save(Session session, ForecastOptions options, string folder, string dataPath, string? column, double heldOutMse)
    {
        var meta = new Dictionary<string, string>
        {
            [DataPath] = Path.GetFullPath(dataPath),
            [HeldOutMse] = heldOutMse.ToString("R", CultureInfo.InvariantCulture),
        };
        if (column is not null) meta[DataColumn] = column;
        string path = Path.Combine(folder, ModelFile);
        ForecastCheckpoint.Capture(session, options, meta).Save(path);
        return path;
    }

    public static int Run(CommandLine a, IAnsiConsole console)
    {
        string modelPath = a.Required("--model");
        if (Directory.Exists(modelPath)) modelPath = Path.Combine(modelPath, ModelFile);
        int horizon = a.Int("--horizon", 1, 10_000_000) ?? throw new UsageException("--model needs --horizon N (the values to generate past the end).");
        var checkpoint = Checkpoint.Load(modelPath);
        var (backend, threads) = Backends.Parse(a);
        var (trainer, session) = ForecastCheckpoint.Restore(checkpoint, g => Backends.OpenSession(g, backend, threads));
        using (session)
        {
            int steps = trainer.Model.Options.Steps;
            string dataPath = a.String("--data") ?? checkpoint.Metadata.GetValueOrDefault(DataPath)
                ?? throw new UsageException("the checkpoint does not record its data; pass --data.");
            string? column = a.String("--column") ?? checkpoint.Metadata.GetValueOrDefault(DataColumn);
            float[] values = ForecastData.LoadValues(dataPath, column, steps);
            float[] generated = trainer.Generate(values.AsSpan(values.Length - steps, steps), horizon);
            console.WriteLine($"model:   {modelPath}: {steps} steps, {trainer.Model.Options.Units} units");
            console.WriteLine($"data:    {dataPath}: {values.Length} values; generating {horizon} past the end from the last {steps}");
            var text = new StringBuilder("index,generated\n");
            for (int k = 0; k < horizon; k++) text.Append(CultureInfo.InvariantCulture, $"{values.Length + k},{generated[k]:R}\n");
            string folder = a.String("--out") ?? Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
            Directory.CreateDirectory(folder);
            string csv = Path.Combine(folder, "horizon.csv");
            AtomicFile.WriteAllBytes(csv, Encoding.UTF8.GetBytes(text.ToString()));
            int every = Math.Max(1, horizon / 10);
            for (int k = 0; k < horizon; k += every)
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{values.Length + k,8} {generated[k],10:F4}"));
            console.WriteLine($"wrote {csv}");
        }
        return 0;
    }
}
