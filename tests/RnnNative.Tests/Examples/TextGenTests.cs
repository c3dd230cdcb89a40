using System.Text;
using RnnNative.Examples;
using RnnNative.Models;
using RnnNative.Tests.Data;

namespace RnnNative.Tests.Examples;

/// <summary>The character-level language model: vocabulary, truncated BPTT, bits per character, sampling, checkpoints.</summary>
public class TextGenTests
{
    // Short, regular text: a model learns it in a few dozen steps.
    private static readonly string Text = string.Concat(Enumerable.Repeat("the cat sat on the mat. a dog ran. ", 30));

    private static (TextGenModel Model, Session Session, TextGenVocabulary Vocabulary) Create(CellType cell = CellType.Lstm, float keep = 1f, string? text = null)
    {
        var vocabulary = TextGenVocabulary.FromText(text ?? Text);
        var model = new TextGenModel(new TextGenOptions
        {
            VocabularySize = vocabulary.Count, EmbeddingSize = 8, Units = 24, Cell = cell, LearningRate = 0.01f, OutputKeepProb = keep, Seed = 5,
        });
        var session = new Session(model.Graph);
        session.Run(model.Graph.GlobalVariablesInitializer());
        return (model, session, vocabulary);
    }

    // Logits (n, V) of one run over ids (1, n) from the zero state.
    private static float[] LogitsOfOneRun(TextGenModel model, Session session, int[] ids)
    {
        var feeds = new FeedDict { [model.X] = Tensor.FromArray(ids, 1, ids.Length) };
        var zero = model.ZeroState(1);
        for (int p = 0; p < zero.Length; p++) feeds[model.InitialState[p]] = zero[p];
        return session.Run(model.Logits, feeds)!.ToFloatArray();
    }

    [Fact]
    public void VocabularyIsTheSortedDistinctCharactersAndRoundTrips()
    {
        const string text = "bab\u00e9\U0001F600a\n";   // é and an emoji outside the BMP
        var vocabulary = TextGenVocabulary.FromText(text);
        Assert.Equal(["\n", "a", "b", "\u00e9", "\U0001F600"], vocabulary.Symbols.Select(r => r.ToString()));
        int[] ids = vocabulary.Encode(text);
        Assert.Equal([2, 1, 2, 3, 4, 1, 0], ids);
        Assert.Equal(text, vocabulary.Decode(ids));
        Assert.Equal(vocabulary.Symbols, TextGenVocabulary.Deserialize(vocabulary.Serialize()).Symbols);
        var e = Assert.Throws<ArgumentException>(() => vocabulary.Encode("abz"));
        Assert.Contains("'z' (U+007A) at position 2", e.Message);
    }

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    public void TrainingLowersTheLossAndTheHeldOutBits(CellType cell)
    {
        var (model, session, vocabulary) = Create(cell, keep: 0.9f);
        using var _ = session;
        int[] ids = vocabulary.Encode(Text);
        int[] train = ids[..900], test = ids[900..];
        var trainer = new TextGenTrainer(model, session);
        double before = trainer.BitsPerCharacter(test);
        var losses = trainer.Train(train, new TextGenTrainingOptions { Iterations = 60, BatchSize = 4, Steps = 16 });
        double after = trainer.BitsPerCharacter(test);

        Assert.Equal(60, losses.Count);
        Assert.True(losses.TakeLast(5).Average() < 0.25 * losses.Take(5).Average(), $"loss {losses[0]} -> {losses[^1]}");
        Assert.True(before > 3.5, $"an untrained model is near log2({vocabulary.Count}) bits, got {before}");
        Assert.True(after < 0.25 * before, $"held-out bits/char {before} -> {after}");
    }

    [Fact]
    public void BitsPerCharacterInChunksEqualsOneRunOverTheWholeText()
    {
        var (model, session, vocabulary) = Create(CellType.Gru);
        using var _ = session;
        int[] ids = vocabulary.Encode(Text[..40]);
        // Reference: one run over all 39 inputs from the zero state, −log2 softmax computed here in double.
        float[] logits = LogitsOfOneRun(model, session, ids[..^1]);
        int v = vocabulary.Count;
        double bits = 0;
        for (int k = 0; k < ids.Length - 1; k++)
        {
            var row = logits.AsSpan(k * v, v).ToArray().Select(z => (double)z).ToArray();
            double max = row.Max(), logSum = max + Math.Log(row.Sum(z => Math.Exp(z - max)));
            bits += (logSum - row[ids[k + 1]]) / Math.Log(2);
        }
        double expected = bits / (ids.Length - 1);

        var trainer = new TextGenTrainer(model, session);
        Assert.Equal(expected, trainer.BitsPerCharacter(ids, chunk: 7), 1e-4);   // the state carried over 6 chunks
        Assert.Equal(expected, trainer.BitsPerCharacter(ids, chunk: 100), 1e-4);
    }

    [Fact]
    public void SamplesUseOnlyTrainingCharactersAndRepeatWithTheSeed()
    {
        var (model, session, vocabulary) = Create();
        using var _ = session;
        new TextGenTrainer(model, session).Train(vocabulary.Encode(Text), new TextGenTrainingOptions { Iterations = 20, BatchSize = 4, Steps = 16 });
        var sampler = new TextGenSampler(model, session, vocabulary);
        string hot = sampler.Sample("the ", 300, 2.0, 7);
        Assert.Equal(300, hot.Length);
        Assert.All(hot, c => Assert.Contains(c, Text));
        Assert.Equal(hot, sampler.Sample("the ", 300, 2.0, 7));
        Assert.NotEqual(hot, sampler.Sample("the ", 300, 2.0, 8));
        Assert.Equal("", sampler.Sample("", 0, 1.0, 1));
        Assert.Throws<ArgumentException>(() => sampler.Sample("the cow", 5, 1.0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Sample("a", 5, -0.1, 1));
    }

    [Fact]
    public void TemperatureZeroTakesTheLikeliestCharacterWhateverTheSeed()
    {
        var (model, session, vocabulary) = Create();
        using var _ = session;
        var sampler = new TextGenSampler(model, session, vocabulary);
        string greedy = sampler.Sample("the c", 25, 0, 1);
        Assert.Equal(greedy, sampler.Sample("the c", 25, 0, 99));

        // Reference: one run over prefix + sample; each sampled character is the arg-max at the step before it.
        int[] ids = vocabulary.Encode("the c" + greedy);
        float[] logits = LogitsOfOneRun(model, session, ids);
        int v = vocabulary.Count;
        for (int k = 4; k < ids.Length - 1; k++)
        {
            var row = logits.AsSpan(k * v, v);
            Assert.Equal(row.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(row)), ids[k + 1]);
        }
    }

    [Fact]
    public void CheckpointRestoresTheSameSamplesAndBits()
    {
        using var folder = new TempFolder();
        var (model, session, vocabulary) = Create(keep: 0.8f);
        using var _ = session;
        var trainer = new TextGenTrainer(model, session);
        int[] ids = vocabulary.Encode(Text);
        trainer.Train(ids, new TextGenTrainingOptions { Iterations = 5, BatchSize = 2, Steps = 8 });
        string path = Path.Combine(folder.Path, "m.ckpt");
        TextGenCheckpoint.Save(path, model, session, vocabulary, new Dictionary<string, string> { ["note"] = "x" });

        var (loaded, loadedSession, loadedVocabulary, checkpoint) = TextGenCheckpoint.Open(path);
        using var __ = loadedSession;
        Assert.Equal(model.Options, loaded.Options);
        Assert.Equal("x", checkpoint.Metadata["note"]);
        Assert.Equal(trainer.BitsPerCharacter(ids), new TextGenTrainer(loaded, loadedSession).BitsPerCharacter(ids));
        Assert.Equal(new TextGenSampler(model, session, vocabulary).Sample("a ", 50, 1.0, 3),
            new TextGenSampler(loaded, loadedSession, loadedVocabulary).Sample("a ", 50, 1.0, 3));
    }

    [Fact]
    public void TooShortTextIsRejectedBeforeTraining()
    {
        var (model, session, vocabulary) = Create();
        using var _ = session;
        var e = Assert.Throws<ArgumentException>(() =>
            new TextGenTrainer(model, session).Train(vocabulary.Encode(Text[..32]), new TextGenTrainingOptions { BatchSize = 4, Steps = 8 }));
        Assert.Contains("32 characters; 4 rows x 8 steps need at least 33", e.Message);
    }

    [Fact]
    public void TheCommandTrainsSavesAndSamplesAgainWithoutTraining()
    {
        using var folder = new TempFolder();
        string text = folder.Write("t.txt", Encoding.UTF8.GetBytes(Text));
        string run = Path.Combine(folder.Path, "run");
        var (code, output) = ForecastTests.Rnn("textgen", "--data", text, "--units", "16", "--embedding", "8", "--batch", "4",
            "--steps", "16", "--iterations", "30", "--lr", "0.01", "--length", "80", "--out", run);
        Assert.True(code == 0, output);
        Assert.Matches(@"held-out: \d+\.\d{3} bits per character \(105 characters\)", output);   // 10% of 1,050
        string sample = File.ReadAllText(Path.Combine(run, "sample.txt"));
        Assert.Equal(80, sample.Length);
        Assert.All(sample, c => Assert.Contains(c, Text));

        string[] greedy = ["textgen", "--sample", "--model", run, "--prefix", "the ", "--length", "40", "--temperature", "0"];
        var (first, a) = ForecastTests.Rnn([.. greedy, "--seed", "1"]);
        var (second, b) = ForecastTests.Rnn([.. greedy, "--seed", "2"]);
        Assert.True(first == 0 && second == 0, a + b);
        Assert.Equal(a[a.IndexOf("\nthe ")..], b[b.IndexOf("\nthe ")..]);
    }

    [Theory]
    [InlineData("missing", "not found")]
    [InlineData("empty", "the text is empty")]
    [InlineData("short", "too few")]
    [InlineData("latin1", "not valid UTF-8 at byte 3")]
    [InlineData("prefix", "'Z' (U+005A) never occurs in the training text")]
    public void BadTextIsOneLineAndANonZeroExitCode(string name, string message)
    {
        using var folder = new TempFolder();
        byte[] content = name switch
        {
            "empty" => [],
            "short" => "abcabcabc"u8.ToArray(),
            "latin1" => [(byte)'c', (byte)'a', (byte)'f', 0xE9],
            _ => Encoding.UTF8.GetBytes(Text),
        };
        string path = name == "missing" ? Path.Combine(folder.Path, "none.txt") : folder.Write(name + ".txt", content);
        var (code, output) = ForecastTests.Rnn("textgen", "--data", path, "--prefix", name == "prefix" ? "Zebra" : "a", "--out", folder.Path);
        Assert.NotEqual(0, code);
        Assert.StartsWith("error: ", output);
        Assert.Contains(message, output);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void SamplingFromSomethingElseThanATextModelIsOneLine()
    {
        using var folder = new TempFolder();
        string corrupt = folder.Write("bad.ckpt", "RNNCKPT\x1Ashort"u8.ToArray());
        var (code, output) = ForecastTests.Rnn("textgen", "--sample", "--model", corrupt);
        Assert.Equal(1, code);
        Assert.Contains("is truncated", output);

        var classifier = new SequenceClassifier(new SequenceClassifierOptions { Steps = 2, Inputs = 2, Units = 3, Classes = 2 });
        using var session = new Session(classifier.Graph);
        session.Run(classifier.Graph.GlobalVariablesInitializer());
        string other = Path.Combine(folder.Path, "classifier.ckpt");
        RnnNative.Training.Checkpoint.Capture(session, classifier.Options).Save(other);
        (code, output) = ForecastTests.Rnn("textgen", "--sample", "--model", other);
        Assert.Equal(1, code);
        Assert.Contains("is not a text-generation checkpoint", output);
        Assert.Equal(2, ForecastTests.Rnn("textgen", "--sample", "--units", "8").Code);
    }
}
