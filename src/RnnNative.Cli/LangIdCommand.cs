using System.Diagnostics;
using System.Globalization;
using RnnNative.Examples;
using RnnNative.Models;
using RnnNative.Training;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>
/// <c>rnn langid</c>: sequence to vector with variable lengths. A character-level GRU reads a word (one-hot
/// characters, padded, with its length fed as <c>sequence_length</c>) and a dense layer on its final state
/// names the language; scored on held-out words against a majority-class and character-frequency baselines.
/// </summary>
internal static class LangIdCommand
{
    public const string DefaultFolder = "data/wordlists";

    /// <summary>The word lists <c>build.ps1 data</c> fetches (data set <c>wordlist-NAME</c>, file NAME).</summary>
    public static readonly string[] DefaultLanguages = ["english", "german", "french", "spanish", "italian", "portuguese", "dutch"];

    private static readonly LangIdCorpusOptions Defaults = new();

    // Words per batch of --predict (its progress display shows when there are more than a handful of batches).
    private const int PredictBatch = 500;

    private static readonly string[] Values =
    [
        "--data", "--languages", "--words", "--max-length", "--cell", "--units", "--epochs", "--batch", "--lr", "--seed",
        "--backend", "--threads", "--out", "--model",
    ];

    private static readonly string Help = $"""
        usage: rnn langid [options]                 train, then score held-out words against baselines
               rnn langid --predict WORD... [options] classify words with a trained model
          --data DIR         word lists, one file per language named by it (default {DefaultFolder}:
                             {string.Join(", ", DefaultLanguages)}; fetch with build.ps1 data)
          --languages A,B    the languages to use (default: the list above, or every file of --data)
          --words N          words sampled per language, 20% held out (default {Defaults.WordsPerLanguage})
          --max-length N     longest word in characters = RNN steps (default {Defaults.MaxLength}; longer words are dropped)
          --cell NAME        gru | lstm | basic (default gru)
          --units N          hidden units (default 128)
          --epochs N         default 5
          --batch N          words per step (default 64)
          --lr X             Adam learning rate (default 0.003)
          --seed N           sampling, split, weights, shuffling (default 42)
          --out DIR          run folder (default runs/langid): model.ckpt, best.ckpt, metrics.csv, training.png,
                             confusion.png
          --predict WORD...  classify these words (lower-cased) with --model instead of training
          --model DIR|FILE   for --predict: a run folder or checkpoint (default: the --out folder)
          --backend NAME     openblas | mkl | managed
          --threads N        threads (default: the cores); with more than one, the fused RNN cuts the batch across them
                             and every GEMM runs single-threaded
          --quiet            no per-epoch lines or progress display: the header and the results only
        """;

    public static int Run(string[] args, IAnsiConsole console, CancellationToken cancellation)
    {
        var (options, words) = SplitPredict(args);
        var a = CommandLine.Parse("langid", options, Values, ["--help", "--predict", "--quiet"]);
        if (a.Has("--help"))
        {
            console.WriteLine(Help);
            return 0;
        }
        var (backend, threads) = Backends.Parse(a);
        string output = a.String("--out") ?? Path.Combine("runs", "langid");
        if (words is not null)
            return Predict(console, words, LoadedModel.Open(a.String("--model") ?? output, backend, threads),
                new ProgressDisplay(console, "langid", "words", a.Has("--quiet"), "words/s"));
        return Train(console, a, new RunFolder(output), cancellation);
    }

    // "--predict w1 w2 ... [--more options]": the words up to the next option; the rest is parsed normally.
    private static (string[] Options, string[]? Words) SplitPredict(string[] args)
    {
        int at = Array.IndexOf(args, "--predict");
        if (at < 0) return (args, null);
        int end = at + 1;
        while (end < args.Length && !args[end].StartsWith("--", StringComparison.Ordinal)) end++;
        if (end == at + 1) throw new UsageException("--predict needs at least one word.");
        return ([.. args[..(at + 1)], .. args[end..]], args[(at + 1)..end]);
    }

    private static (SequenceClassifierOptions Model, LangIdCorpusOptions Corpus, TrainerOptions Training) ParseTraining(CommandLine a)
    {
        int seed = a.Int("--seed", 0) ?? 42;
        var model = new SequenceClassifierOptions
        {
            Cell = a.Choice("--cell", TrainCommand.Cells) ?? CellType.Gru,
            Units = a.Int("--units", 1, 1 << 16) ?? 128,
            LearningRate = a.PositiveSingle("--lr") ?? 0.003f,
            Seed = seed,
            ClipNorm = 5f,
        };
        var corpus = new LangIdCorpusOptions
        {
            WordsPerLanguage = a.Int("--words", 2, 1 << 24) ?? Defaults.WordsPerLanguage,
            MaxLength = a.Int("--max-length", 1, 1000) ?? Defaults.MaxLength,
            Seed = (ulong)seed,
        };
        var training = new TrainerOptions
        {
            Epochs = a.Int("--epochs", 1, 1 << 20) ?? 5,
            BatchSize = a.Int("--batch", 1, 1 << 20) ?? 64,
            ShuffleSeed = (ulong)seed,
            EvalBatchSize = 500,
        };
        return (model, corpus, training);
    }

    private static int Train(IAnsiConsole console, CommandLine a, RunFolder folder, CancellationToken cancellation)
    {
        var (template, corpusOptions, training) = ParseTraining(a);
        var (backend, threads) = Backends.Parse(a);
        var clock = Stopwatch.StartNew();
        var corpus = LoadCorpus(a.String("--data"), a.String("--languages"), corpusOptions);
        var vocabulary = new CharVocabulary(corpus.Train.Select(w => w.Word));
        int classes = corpus.Languages.Count, maxLength = corpusOptions.MaxLength;
        var (train, test) = (vocabulary.Encode(corpus.Train, maxLength, classes), vocabulary.Encode(corpus.Test, maxLength, classes));
        LangIdReport.Corpus(console, corpus, vocabulary, maxLength);
        var baselines = LangIdReport.Baselines(corpus);

        var options = LangIdModel.Options(template, vocabulary, maxLength, classes);
        var model = new SequenceClassifier(options);
        using var session = Backends.OpenSession(model.Graph, backend, threads);
        session.Run(model.Graph.GlobalVariablesInitializer());
        Directory.CreateDirectory(folder.Path);
        console.WriteLine($"model:   {TrainCommand.Describe(options)}, batch {training.BatchSize}, {TrainCommand.Plural(training.Epochs, "epoch")}");
        console.WriteLine($"backend: {Backends.Describe(session)}");
        var trainer = new Trainer(model, session, training);
        var recorder = new RunRecorder(folder, options, session, LangIdModel.Metadata(corpus.Languages, vocabulary, maxLength),
            test.Count, trainer.Evaluator.BatchSize);
        trainer.EpochCompleted = recorder.OnEpoch;
        var history = new TrainView(console, training.Epochs, a.Has("--quiet"), "langid").Run(trainer, () => trainer.Fit(train, test, cancellation));
        if (history.Count == 0)
        {
            console.WriteLine("stopped before the first epoch; nothing saved.");
            return 130;
        }
        var predictions = trainer.Evaluator.Evaluate(test, withPredictions: true).Predictions!;
        var rnn = ConfusionMatrix.From(test.Labels, predictions, classes);
        string cellName = options.Cell.ToString().ToUpperInvariant();
        LangIdReport.Accuracies(console, corpus.Languages, [.. baselines, (cellName, rnn)]);
        LangIdReport.Confusion(console, corpus.Languages, rnn, Path.Combine(folder.Path, "confusion.png"));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model of the last epoch: {folder.Last}; total time {clock.Elapsed.TotalSeconds:F0}s"));
        return history[^1].Completed ? 0 : 130;
    }

    private static LangIdCorpus LoadCorpus(string? data, string? languageOption, LangIdCorpusOptions options)
    {
        string folder = data ?? DefaultFolder;
        string[] languages = languageOption?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            ?? (data is null || !Directory.Exists(folder) ? DefaultLanguages
                : Directory.GetFiles(folder).Select(f => Path.GetFileName(f)).Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToArray());
        var missing = languages.Where(l => !File.Exists(Path.Combine(folder, l))).ToArray();
        if (missing.Length > 0 || languages.Length == 0)
        {
            var known = missing.Where(DefaultLanguages.Contains).Select(l => "wordlist-" + l).ToArray();
            string fetch = known.Length > 0 ? $"dotnet tool restore && dotnet pwsh build.ps1 data {string.Join(' ', known)}"
                : $"dotnet tool restore && dotnet pwsh build.ps1 data (it fetches {string.Join(", ", DefaultLanguages)} into {DefaultFolder})";
            string what = languages.Length == 0 ? $"no word lists in '{folder}'" : $"word list{(missing.Length == 1 ? "" : "s")} {string.Join(", ", missing)} not found in '{folder}'";
            throw new CliException($"{what}; fetch with: {fetch}");
        }
        try
        {
            return LangIdCorpus.Load(folder, languages, options);
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message);
        }
    }

    private static int Predict(IAnsiConsole console, string[] words, LoadedModel loaded, ProgressDisplay display)
    {
        using var _ = loaded;
        var (languages, vocabulary, maxLength) = LangIdModel.FromMetadata(loaded.Checkpoint.Metadata)
            ?? throw new CliException($"'{loaded.Path}' is not a language identifier (no {LangIdModel.LanguagesKey} in its metadata); train one with rnn langid.");
        // A word the model cannot read (empty, or longer than its steps) is reported and skipped; the rest are
        // classified. Only a batch with no readable word is an error.
        var normalized = new List<string>();
        foreach (string word in words.Select(LangIdCorpus.Normalize))
        {
            if (Unreadable(word, maxLength, loaded.Path) is not { } problem) normalized.Add(word);
            else if (words.Length == 1) throw new CliException(problem);
            else console.WriteLine($"skipped: {problem}");
        }
        if (normalized.Count == 0) throw new CliException("none of the --predict words can be read by the model (see the lines above).");
        var data = vocabulary.Encode(normalized.Select(w => new LabeledWord(w, 0)).ToArray(), maxLength, languages.Length);
        var evaluator = new Evaluator(loaded.Model, loaded.Session, Math.Min(PredictBatch, data.Count));
        float[] p = EvaluationProgress.Probabilities(evaluator, data, languages.Length, display.BeginAt(0));
        LangIdReport.Predictions(console, normalized, languages, p);
        return 0;
    }

    private static string? Unreadable(string word, int maxLength, string model) =>
        word.Length == 0 ? "--predict got an empty word."
        : word.Length > maxLength ? $"the word '{word}' has {word.Length} characters; the model {model} reads at most {maxLength} " +
            $"(train one with --max-length {word.Length} or more)."
        : null;
}
