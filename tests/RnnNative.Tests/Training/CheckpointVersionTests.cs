using System.Globalization;
using System.Text.RegularExpressions;
using RnnNative.Cli;
using RnnNative.Examples;
using RnnNative.Models;
using RnnNative.Tests.Data;
using RnnNative.Training;

namespace RnnNative.Tests.Training;

/// <summary>
/// Checkpoints of any model kind (format 2 and later), and format 1 files written by the build before model kinds:
/// TestData/classifier-v1.ckpt by <c>rnn train --data data/digits.csv.gz --epochs 1 --units 3 --limit 40 --batch 20</c>,
/// TestData/textgen-v1.ckpt by <c>rnn textgen --units 3 --embedding 2 --iterations 2 --batch 2 --steps 4</c>.
/// </summary>
public class CheckpointVersionTests
{
    private static readonly string TestData = Path.Combine(RepoPaths.Root, "tests", "RnnNative.Tests", "Training", "TestData");

    private sealed record ToyOptions(int Width, CellType Cell, string Label);

    [Fact]
    public void Version1ClassifierLoadsAndEvalReproducesItsRecordedAccuracyAndLoss()
    {
        string path = Path.Combine(TestData, "classifier-v1.ckpt");
        var checkpoint = Checkpoint.Load(path);
        Assert.Equal(1, checkpoint.Version);
        Assert.Equal(Checkpoint.ClassifierKind, checkpoint.ModelKind);
        Assert.Equal(new SequenceClassifierOptions { Steps = 8, Inputs = 8, Units = 3, Classes = 10 }, checkpoint.ClassifierOptions);

        var output = new StringWriter();
        string digits = Path.Combine(RepoPaths.Root, "data", "digits.csv.gz");
        int code = RnnCli.Run(["eval", "--model", path, "--data", digits], output, output, TextReader.Null, default);
        Assert.True(code == 0, output.ToString());
        // The figures the old build recorded at the end of training, reproduced by evaluating the loaded weights.
        var m = Regex.Match(output.ToString(), @"accuracy [\d.]+% \((\d+)/(\d+)\), loss ([\d.]+)");
        Assert.True(m.Success, output.ToString());
        Assert.Equal(checkpoint.Metadata["test_correct"], m.Groups[1].Value);
        Assert.Equal(checkpoint.Metadata["test_count"], m.Groups[2].Value);
        double recordedLoss = double.Parse(checkpoint.Metadata["test_loss"], CultureInfo.InvariantCulture);
        Assert.Equal(recordedLoss.ToString("F4", CultureInfo.InvariantCulture), m.Groups[3].Value);
    }

    [Fact]
    public void Version1TextGeneratorOpensWithItsOptionsVocabularyAndWeights()
    {
        string path = Path.Combine(TestData, "textgen-v1.ckpt");
        var (model, session, vocabulary, checkpoint) = TextGenCheckpoint.Open(path);
        using var _ = session;
        Assert.Equal(1, checkpoint.Version);
        Assert.Equal(TextGenCheckpoint.Kind, checkpoint.ModelKind);
        Assert.Equal(new TextGenOptions { VocabularySize = 76, EmbeddingSize = 2, Units = 3, Cell = CellType.Lstm, OutputKeepProb = 0.5f }, model.Options);
        Assert.Equal(76, vocabulary.Count);
        // What `rnn textgen --sample --model <it> --length 30 --seed 7` printed with the build that wrote it.
        Assert.Equal("F sUK8LA0H-wtqpSqAXhb.CIsw)GsH", new TextGenSampler(model, session, vocabulary).Sample("", 30, 0.7, 7));
    }

    [Fact]
    public void AnyModelKindRoundTripsItsOptionsAndTheClassifierPathRefusesIt()
    {
        using var folder = new TempFolder();
        var g = new Graph(3);
        var w = g.Variable("toy/w", new Shape(2, 3), Initializer.RandomNormal(1f));
        using var session = new Session(g);
        session.Run(g.GlobalVariablesInitializer());
        var options = new ToyOptions(7, CellType.Gru, "ünï");
        string path = Path.Combine(folder.Path, "toy.ckpt");
        Checkpoint.Capture(session, "toy", options, new Dictionary<string, string> { ["k"] = "v" }).Save(path);

        var loaded = Checkpoint.Load(path);
        Assert.Equal(Checkpoint.FormatVersion, loaded.Version);
        Assert.Equal("toy", loaded.ModelKind);
        Assert.Equal(options, loaded.ReadOptions<ToyOptions>("toy"));
        Assert.Contains("\"Cell\":\"Gru\"", loaded.OptionsJson);
        Assert.Equal("v", loaded.Metadata["k"]);
        Assert.Equal(session.Read(w).ToFloatArray(), loaded.Variables["toy/w"].ToFloatArray());
        var e = Assert.Throws<CheckpointException>(() => loaded.ClassifierOptions);
        Assert.Contains($"'{path}' holds a toy model, not a {Checkpoint.ClassifierKind}", e.Message);
        Assert.Throws<CheckpointException>(() => TextGenCheckpoint.Load(path));
    }
}
