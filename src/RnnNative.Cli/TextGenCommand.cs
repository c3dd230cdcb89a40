using System.Globalization;
using System.Text;
using RnnNative.Examples;
using RnnNative.Models;
using RnnNative.Training;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>
/// <c>rnn textgen</c>: a character-level language model on any UTF-8 text — truncated BPTT over the first 90%,
/// bits per character on the last 10%, a checkpoint, and sampled text; or, with <c>--sample</c>, sampling from
/// a saved model without training.
/// </summary>
internal static class TextGenCommand
{
    public const string DefaultData = "/usr/share/common-licenses/GPL-3";
    public const double TestFraction = 0.1;
    private const int ReportEvery = 100;
    private const string CheckpointName = "model.ckpt", SampleName = "sample.txt", HeldOutBitsKey = "textgen.heldout_bits_per_char";

    private static readonly string[] TrainingValues =
        ["--data", "--cell", "--units", "--layers", "--embedding", "--keep", "--iterations", "--batch", "--steps", "--lr", "--clip", "--out"];
    private static readonly string[] SamplingValues = ["--model", "--temperature", "--length", "--prefix", "--seed", "--backend", "--threads"];

    private static readonly string Help = $"""
        usage: rnn textgen [options]                 train, report bits/char, save, sample
               rnn textgen --sample [--model DIR]    sample from a saved model
        training:
          --data PATH        UTF-8 text file (default {DefaultData}); the last {TestFraction * 100:F0}% is held out
          --cell NAME        lstm | gru | basic (default lstm)
          --units N          units per layer (default 256)
          --layers N         stacked layers (default 1)
          --embedding N      character embedding width (default 64)
          --keep P           dropout keep probability of each layer's output while training (default 0.5)
          --iterations N     Adam steps (default 600)
          --batch N          rows: the text is cut into N consecutive streams (default 32)
          --steps N          characters per row per step, the BPTT truncation length (default 64)
          --lr X             Adam learning rate (default 0.002)
          --clip X           gradient clipping by global norm (default 5)
          --out DIR          where {CheckpointName} and {SampleName} go (default runs/textgen)
        sampling (also after training):
          --model DIR|FILE   with --sample: a folder holding {CheckpointName}, or the file (default runs/textgen)
          --temperature X    softmax temperature >= 0; 0 always takes the likeliest character (default 0.7)
          --length N         characters to sample (default 500)
          --prefix TEXT      text the model reads first (default: a newline)
          --seed N           weights, and the sampling draws (default 42)
          --backend NAME     openblas | mkl | managed (default: the library's choice)
          --threads N        threads (default: the cores); with more than one, the fused RNN cuts the batch across them
                             and every GEMM runs single-threaded
          --quiet            no per-step lines or progress display: the header and the results only
        """;

    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellation)
    {
        var a = CommandLine.Parse("textgen", args, [.. TrainingValues, .. SamplingValues], ["--help", "--sample", "--quiet"]);
        if (a.Has("--help"))
        {
            console.WriteLine(Help);
            return 0;
        }
        var sampling = ParseSampling(a);
        if (a.Has("--sample"))
        {
            if (TrainingValues.FirstOrDefault(o => a.String(o) is not null) is { } option)
                throw new UsageException($"{option} is a training option; --sample only samples from a saved model.");
            return SampleSaved(a, sampling, console);
        }
        if (a.String("--model") is not null) throw new UsageException("--model goes with --sample (training writes to --out).");
        return Train(a, sampling, console, cancellation);
    }

    private sealed record Sampling(double Temperature, int Length, string Prefix, int Seed);

    private static Sampling ParseSampling(CommandLine a)
    {
        double temperature = 0.7;
        if (a.String("--temperature") is { } text &&
            (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out temperature) || !double.IsFinite(temperature) || temperature < 0))
            throw new UsageException($"--temperature must be a number >= 0, got '{text}'.");
        return new Sampling(temperature, a.Int("--length", 0, 10_000_000) ?? 500, a.String("--prefix") ?? "", a.Int("--seed", 0) ?? 42);
    }

    private static int Train(CommandLine a, Sampling sampling, IAnsiConsole console, CancellationToken cancellation)
    {
        string path = a.String("--data") ?? DefaultData;
        var training = new TextGenTrainingOptions
        {
            Iterations = a.Int("--iterations", 0, 100_000_000) ?? 600,
            BatchSize = a.Int("--batch", 1, 1 << 16) ?? 32,
            Steps = a.Int("--steps", 1, 1 << 16) ?? 64,
        };
        var options = ModelOptions(a, sampling.Seed);
        string folder = a.String("--out") ?? Path.Combine("runs", "textgen");
        var (backend, threads) = Backends.Parse(a);
        string text = TextGenVocabulary.ReadText(path);
        var vocabulary = TextGenVocabulary.FromText(text);
        CheckPrefix(vocabulary, sampling.Prefix);
        int[] ids = vocabulary.Encode(text);
        var (train, test) = Split(ids, path, training);
        options = options with { VocabularySize = vocabulary.Count };

        var model = new TextGenModel(options);
        using var session = Backends.OpenSession(model.Graph, backend, threads);
        session.Run(model.Graph.GlobalVariablesInitializer());
        var trainer = new TextGenTrainer(model, session);
        console.WriteLine($"data:    {path}: {ids.Length} characters, {vocabulary.Count} distinct; {train.Length} train, last {test.Length} held out");
        console.WriteLine($"model:   {Describe(options)}, batch {training.BatchSize} x {training.Steps} steps, {training.Iterations} iterations");
        console.WriteLine($"backend: {Backends.Describe(session)}");

        var losses = new StepView(console, "textgen", "chars/s", a.Has("--quiet")).Run(" step  train_bpc  held-out_bpc  chars/s  elapsed", ReportEvery,
            p => string.Create(CultureInfo.InvariantCulture,
                $"{p.Step,5} {p.Loss / Math.Log(2),10:F3} {trainer.BitsPerCharacter(test),13:F3} {p.SamplesPerSecond,8:F0} {p.ElapsedSeconds,7:F1}s"),
            progress => trainer.Train(train, training, progress, cancellation));
        double bits = trainer.BitsPerCharacter(test);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"held-out: [green]{bits:F3} bits per character[/] ({test.Length} characters)"));

        Directory.CreateDirectory(folder);
        string checkpoint = Path.Combine(folder, CheckpointName);
        TextGenCheckpoint.Save(checkpoint, model, session, vocabulary, Metadata(path, training, losses.Count, bits, session));
        console.WriteLine($"saved {checkpoint}");
        WriteSample(console, new TextGenSampler(model, session, vocabulary), sampling, Path.Combine(folder, SampleName));
        return losses.Count < training.Iterations ? 130 : 0;
    }

    private static TextGenOptions ModelOptions(CommandLine a, int seed)
    {
        double keep = a.Positive("--keep") ?? 0.5;
        if (keep > 1) throw new UsageException($"--keep must be in (0, 1], got '{a.String("--keep")}'.");
        return new TextGenOptions
        {
            Cell = a.Choice("--cell", TrainCommand.Cells) ?? CellType.Lstm,
            Units = a.Int("--units", 1, 1 << 14) ?? 256,
            Layers = a.Int("--layers", 1, 64) ?? 1,
            EmbeddingSize = a.Int("--embedding", 1, 1 << 14) ?? 64,
            OutputKeepProb = (float)keep,
            LearningRate = a.PositiveSingle("--lr") ?? 0.002f,
            ClipNorm = a.PositiveSingle("--clip") ?? 5f,
            Seed = seed,
        };
    }

    // Training ids = the first 90%, held-out = the last 10%; each must be long enough.
    private static (int[] Train, int[] Test) Split(int[] ids, string path, TextGenTrainingOptions o)
    {
        int test = (int)(ids.Length * TestFraction);
        int[] train = ids[..^test];
        if (test < 2 || TextGenTrainer.ChunksPerPass(train.Length, o.BatchSize, o.Steps) == 0)
            throw new CliException($"{path}: {ids.Length} characters are too few: --batch {o.BatchSize} x --steps {o.Steps} need " +
                $"{TextGenTrainer.MinimumLength(o.BatchSize, o.Steps)} for training, plus {TestFraction * 100:F0}% (at least 2) held out.");
        return (train, ids[^test..]);
    }

    private static void CheckPrefix(TextGenVocabulary vocabulary, string prefix)
    {
        foreach (var rune in prefix.EnumerateRunes())
            if (!vocabulary.Contains(rune))
                throw new UsageException($"--prefix: the character '{rune}' (U+{rune.Value:X4}) never occurs in the training text.");
    }

    private static int SampleSaved(CommandLine a, Sampling sampling, IAnsiConsole console)
    {
        string model = a.String("--model") ?? Path.Combine("runs", "textgen");
        string path = Directory.Exists(model) ? Path.Combine(model, CheckpointName) : model;
        if (!File.Exists(path))
            throw new FileNotFoundException(Directory.Exists(model)
                ? $"'{model}' has no {CheckpointName} (train into it with rnn textgen --out {model})." : $"model '{model}' not found.");
        var (backend, threads) = Backends.Parse(a);
        var (textModel, session, vocabulary, checkpoint) = TextGenCheckpoint.Open(path, g => Backends.OpenSession(g, backend, threads));
        using (session)
        {
            CheckPrefix(vocabulary, sampling.Prefix);
            string bits = checkpoint.Metadata.GetValueOrDefault(HeldOutBitsKey) is { } b ? $", held-out {b} bits/char" : "";
            console.WriteLine($"model:   {path}: {Describe(textModel.Options)}{bits}");
            WriteSample(console, new TextGenSampler(textModel, session, vocabulary), sampling, null);
        }
        return 0;
    }

    private static void WriteSample(IAnsiConsole console, TextGenSampler sampler, Sampling s, string? file)
    {
        string text = sampler.Sample(s.Prefix, s.Length, s.Temperature, (ulong)s.Seed);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sample (temperature {s.Temperature}, seed {s.Seed}, {s.Length} characters):"));
        console.WriteLine(s.Prefix + text);
        if (file is null) return;
        AtomicFile.WriteAllBytes(file, Encoding.UTF8.GetBytes(s.Prefix + text));
        console.WriteLine($"wrote {file}");
    }

    private static string Describe(TextGenOptions o) => string.Create(CultureInfo.InvariantCulture,
        $"embedding {o.VocabularySize}x{o.EmbeddingSize} -> {o.Cell.ToString().ToLowerInvariant()}, {o.Layers} layer{(o.Layers == 1 ? "" : "s")} x {o.Units} units " +
        $"(keep {o.OutputKeepProb}) -> dense {o.VocabularySize} softmax; Adam {o.LearningRate}, clip {o.ClipNorm}, seed {o.Seed}");

    private static Dictionary<string, string> Metadata(string path, TextGenTrainingOptions o, int iterations, double bits, Session session) => new()
    {
        ["data.path"] = Path.GetFullPath(path),
        ["textgen.iterations"] = iterations.ToString(CultureInfo.InvariantCulture),
        ["textgen.batch"] = o.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["textgen.steps"] = o.Steps.ToString(CultureInfo.InvariantCulture),
        [HeldOutBitsKey] = bits.ToString("F4", CultureInfo.InvariantCulture),
        ["backend"] = Backends.Describe(session),
        ["created_utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    };
}
