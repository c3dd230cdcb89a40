using System.Diagnostics;
using System.Globalization;
using RnnNative.Blas;
using RnnNative.Data;
using RnnNative.Examples;
using RnnNative.Training;
using SkiaSharp;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>One form of <c>rnn generate</c>: its model and session, training with progress lines, and its PNG grid.</summary>
internal sealed class GenerateRun(IAnsiConsole console, RowGeneratorOptions options, RowSampling sampling, BlasKind? backend, int? threads, int batch, ulong seed,
    bool quiet = false)
    : IDisposable
{
    /// <summary>Fashion-MNIST's class names, in label order (used when the data has exactly 10 classes).</summary>
    public static readonly string[] FashionClasses = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private RowGeneratorTrainer? _trainer;
    private Session? _session;

    /// <summary>Trains for <paramref name="epochs"/> epochs with one line per epoch and the progress display; false when cancelled.</summary>
    public bool Train(Dataset train, Dataset test, int epochs, CancellationToken cancellation)
    {
        var model = new RowGenerator(options);
        var session = _session = Backends.OpenSession(model.Graph, backend, threads);
        session.Run(model.Graph.GlobalVariablesInitializer());
        _trainer = new RowGeneratorTrainer(model, session, batch, seed) { BinarizeInputs = sampling == RowSampling.Bernoulli };
        string form = options.Form == RowGeneratorForm.RepeatVector ? "repeat vector (class at every step, no feedback)"
            : $"feedback (class -> h0 and every input; previous row as {(sampling == RowSampling.Bernoulli ? "0/1 draws" : "grey levels")})";
        console.WriteLine($"{form}: {options.Cell.ToString().ToLowerInvariant()} {options.Units} units -> dense {options.Columns} -> sigmoid, " +
            $"sigmoid cross-entropy, Adam {options.LearningRate}, batch {batch}, {TrainCommand.Plural(epochs, "epoch")}");
        console.WriteLine($"backend: {Backends.Describe(session)}");
        if (!quiet) console.WriteLine("epoch  train_loss  test_loss  images/s   elapsed");
        string command = options.Form == RowGeneratorForm.RepeatVector ? "generate repeat" : "generate feedback";
        var display = new ProgressDisplay(console, command, "steps", quiet, "images/s").BeginAt(0);
        _trainer.Progress = p => display.Report((long)(p.Epoch - 1) * p.BatchesPerEpoch + p.Batch, (long)epochs * p.BatchesPerEpoch,
            p.SamplesPerSecond, (p, epochs), static s => string.Create(CultureInfo.InvariantCulture, $"epoch {s.p.Epoch}/{s.epochs} loss {s.p.MeanLoss:F4}"));
        return display.Run(() => TrainEpochs(train, test, epochs, cancellation));
    }

    // One table line per epoch (none when quiet); false when cancelled.
    private bool TrainEpochs(Dataset train, Dataset test, int epochs, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            var (loss, completed) = _trainer!.TrainEpoch(train, epoch, cancellation);
            double rate = train.Count / epochClock.Elapsed.TotalSeconds, testLoss = _trainer.Evaluate(test);
            if (!quiet)
                console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{epoch,5}{(completed ? ' ' : '*')} {loss,10:F4} {testLoss,10:F4} {rate,9:F0} {clock.Elapsed.TotalSeconds,8:F1}s"));
            if (!completed) return false;
        }
        return true;
    }

    /// <summary>Generates <paramref name="samples"/> images per class and writes the grid: a row per class, a real test image first.</summary>
    public void WriteGrid(Dataset test, int samples, string path)
    {
        var trainer = _trainer ?? throw new InvalidOperationException("Train first.");
        int classes = options.Classes, pixels = options.Rows * options.Columns;
        var classOf = Enumerable.Range(0, classes * samples).Select(i => i / samples).ToArray();
        float[] generated = trainer.Generate(classOf, sampling, seed);
        var rows = new List<float[][]>();
        for (int c = 0; c < classes; c++)
        {
            int real = Array.IndexOf(test.Labels, c);
            var row = new List<float[]> { real < 0 ? new float[pixels] : test.Features.AsSpan(real * pixels, pixels).ToArray() };
            for (int s = 0; s < samples; s++) row.Add(generated.AsSpan((c * samples + s) * pixels, pixels).ToArray());
            rows.Add(row.ToArray());
        }
        string[] labels = classes == FashionClasses.Length ? FashionClasses : Enumerable.Range(0, classes).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
        ImageGrid.Save(path, rows, labels, options.Rows, options.Columns);
        string how = options.Form == RowGeneratorForm.RepeatVector ? "deterministic: one image per class"
            : sampling == RowSampling.Bernoulli ? $"{samples} per class, 0/1 pixel draws fed back, grey levels shown" : $"{samples} per class, grey levels fed back";
        console.WriteLine($"wrote {path} (first column: a real test image; then generated, {how})");
    }

    /// <summary>Saves the trained model (kind row_generator) to <paramref name="path"/>.</summary>
    public void Save(string path)
    {
        var session = _session ?? throw new InvalidOperationException("Train first.");
        RowGeneratorCheckpoint.Capture(session, options, new Dictionary<string, string> { ["sampling"] = sampling.ToString() }).Save(path);
        console.WriteLine($"saved {path}");
    }

    public void Dispose() => _session?.Dispose();
}

/// <summary>A PNG of grey images in a grid: one labelled row per class, 2× scale, white on black like the data.</summary>
internal static class ImageGrid
{
    private const int Scale = 2, Gap = 4, LabelWidth = 100;

    /// <summary><paramref name="rows"/>[r][i]: image i of row r, (height, width) grey levels in [0, 1].</summary>
    public static void Save(string path, IReadOnlyList<float[][]> rows, IReadOnlyList<string> labels, int height, int width)
    {
        int columns = rows.Max(r => r.Length), cellW = width * Scale + Gap, cellH = height * Scale + Gap;
        using var bitmap = new SKBitmap(LabelWidth + columns * cellW + Gap, rows.Count * cellH + Gap, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(new SKColor(64, 64, 64));
        using var font = new SKFont(SKTypeface.Default, 12);
        using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true };
        for (int r = 0; r < rows.Count; r++)
        {
            int top = Gap + r * cellH;
            canvas.DrawText(labels[r], 6, top + height * Scale / 2f + 4, SKTextAlign.Left, font, ink);
            for (int i = 0; i < rows[r].Length; i++)
                Draw(bitmap, rows[r][i], LabelWidth + i * cellW + (i > 0 ? Gap : 0), top, height, width);
        }
        canvas.Flush();
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, png.ToArray());
    }

    private static void Draw(SKBitmap bitmap, float[] image, int left, int top, int height, int width)
    {
        for (int y = 0; y < height * Scale; y++)
            for (int x = 0; x < width * Scale; x++)
            {
                byte v = (byte)Math.Round(255 * Math.Clamp(image[(y / Scale) * width + x / Scale], 0f, 1f));
                bitmap.SetPixel(left + x, top + y, new SKColor(v, v, v));
            }
    }
}
