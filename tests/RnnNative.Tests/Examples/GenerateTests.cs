using RnnNative.Cli;
using RnnNative.Data;
using RnnNative.Examples;
using RnnNative.Tests.Data;
using RnnNative.Tests.Reference;

namespace RnnNative.Tests.Examples;

/// <summary><see cref="RowGenerator"/> and <c>rnn generate</c> on small synthetic images.</summary>
public class GenerateTests
{
    private const int Rows = 6, Columns = 5, Classes = 3;

    // Class 0: a bright row 1; class 1: a bright column 2; class 2: the diagonal; plus a little seeded noise.
    internal static Dataset Images(int count, int seed, int rows = Rows, int columns = Columns)
    {
        var rng = new Random(seed);
        var pixels = new float[count * rows * columns];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = n % Classes;
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++)
                {
                    bool on = labels[n] switch { 0 => r == 1, 1 => c == 2, _ => r % columns == c };
                    pixels[(n * rows + r) * columns + c] = on ? 0.9f : 0.1f * (float)rng.NextDouble();
                }
        }
        return new Dataset(pixels, labels, rows, columns, Classes);
    }

    private static (RowGenerator Model, Session Session, RowGeneratorTrainer Trainer) Build(RowGeneratorForm form, bool binarize = false)
    {
        var model = new RowGenerator(new RowGeneratorOptions { Rows = Rows, Columns = Columns, Classes = Classes, Units = 10, Form = form, LearningRate = 0.02f, Seed = 5 });
        var session = new Session(model.Graph);
        session.Run(model.Graph.GlobalVariablesInitializer());
        return (model, session, new RowGeneratorTrainer(model, session, batchSize: 8, shuffleSeed: 1) { BinarizeInputs = binarize });
    }

    [Theory]
    [InlineData(RowGeneratorForm.Feedback, false)]
    [InlineData(RowGeneratorForm.Feedback, true)]
    [InlineData(RowGeneratorForm.RepeatVector, false)]
    public void LossFallsAndGeneratedImagesHaveTheRightShape(RowGeneratorForm form, bool binarize)
    {
        var images = Images(48, seed: 1);
        var (_, session, trainer) = Build(form, binarize);
        using var _ = session;
        double before = trainer.Evaluate(images);
        var losses = Enumerable.Range(1, 6).Select(e => trainer.TrainEpoch(images, e).MeanLoss).ToArray();
        double after = trainer.Evaluate(images);
        Assert.True(after < 0.7 * before, $"held loss {before} -> {after}; epochs {string.Join(", ", losses)}");

        float[] generated = trainer.Generate([0, 1, 2, 2], RowSampling.Bernoulli, seed: 9);
        Assert.Equal(4 * Rows * Columns, generated.Length);
        Assert.All(generated, p => Assert.InRange(p, 0f, 1f));
    }

    [Fact]
    public void FeedbackGenerationIsTheTeacherForcedModelFedItsOwnRows()
    {
        // With mean feedback the generated image G is a fixed point: teacher forcing with previous rows = G
        // shifted down (zeros first) gives back G. This ties the one-step graph to the fused sequence graph.
        var (model, session, trainer) = Build(RowGeneratorForm.Feedback);
        using var _ = session;
        trainer.TrainEpoch(Images(24, seed: 2), 1);
        int[] classes = [2, 0, 1];
        float[] generated = trainer.Generate(classes, RowSampling.Mean, seed: 0);
        var previous = new float[generated.Length];
        var condition = new float[classes.Length * Classes];
        for (int b = 0; b < classes.Length; b++)
        {
            condition[b * Classes + classes[b]] = 1;
            Array.Copy(generated, b * Rows * Columns, previous, b * Rows * Columns + Columns, (Rows - 1) * Columns);
        }
        var pixels = session.Run(model.Pixels, new FeedDict
        {
            [model.Condition] = Tensor.FromArray(condition, classes.Length, Classes),
            [model.Previous!] = Tensor.FromArray(previous, classes.Length, Rows, Columns),
        })!.Floats!;
        for (int i = 0; i < generated.Length; i++) Assert.Equal(generated[i], pixels[i], 1e-5f);
    }

    [Fact]
    public void SigmoidCrossEntropyMatchesTheFormulaAndItsGradient()
    {
        var g = new Graph();
        var labels = g.Placeholder("z", new Shape(2, 3));
        var logits = g.Placeholder("x", new Shape(2, 3));
        var loss = RowGenerator.SigmoidCrossEntropy(labels, logits);
        float[] x = [-3f, -0.4f, 0.2f, 1.5f, 7f, -12f], z = [0f, 0.3f, 1f, 0.5f, 0.9f, 0.1f];
        var feeds = new FeedDict { [labels] = Tensor.FromArray(z, 2, 3), [logits] = Tensor.FromArray(x, 2, 3) };
        using var s = new Session(g);
        double expected = x.Zip(z, (xi, zi) =>
        {
            double p = 1 / (1 + Math.Exp(-(double)xi));
            return -(zi * Math.Log(p) + (1 - zi) * Math.Log(1 - p));
        }).Average();
        Assert.Equal(expected, s.Run(loss, feeds)!.ToScalar(), 5);
        GradientCheck.Assert(g, s, loss, [logits, labels], feeds);
    }

    [Fact]
    public void CliWritesBothGridsFromAnImageFolder()
    {
        using var folder = new TempFolder();
        var train = Images(30, seed: 3, rows: 8, columns: 8);
        var test = Images(6, seed: 4, rows: 8, columns: 8);
        WriteMnist(folder, "train", train);
        WriteMnist(folder, "t10k", test);
        string run = Path.Combine(folder.Path, "run");
        var output = new StringWriter();
        int code = RnnCli.Run(["generate", "--data", folder.Path, "--units", "8", "--epochs", "2", "--batch", "10", "--samples", "3", "--out", run], output);
        Assert.True(code == 0, output.ToString());
        foreach (string name in new[] { "feedback.png", "repeat.png" })
        {
            byte[] png = File.ReadAllBytes(Path.Combine(run, name));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            int width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
            int columns = name == "feedback.png" ? 1 + 3 : 1 + 1; // a real image, then the generated ones
            Assert.Equal((100 + columns * (8 * 2 + 4) + 4, Classes * (8 * 2 + 4) + 4), (width, height));
        }
        Assert.Matches(@"\n +2 +[\d.]+ +[\d.]+", output.ToString()); // the epoch-2 line: train and test loss
        foreach (string name in new[] { "feedback.ckpt", "repeat.ckpt" })
        {
            var (model, session) = RowGeneratorCheckpoint.Restore(RnnNative.Training.Checkpoint.Load(Path.Combine(run, name)));
            using var _ = session;
            Assert.Equal((8, 8, 8), (model.Options.Rows, model.Options.Columns, model.Options.Units));
        }
    }

    [Fact]
    public void ASavedGeneratorReloadsAndGeneratesTheSameRows()
    {
        var (model, session, trainer) = Build(RowGeneratorForm.Feedback);
        using var _ = session;
        trainer.TrainEpoch(Images(24, seed: 7), 1);
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "feedback.ckpt");
        RowGeneratorCheckpoint.Capture(session, model.Options).Save(path);

        var (reloaded, reloadedSession) = RowGeneratorCheckpoint.Restore(RnnNative.Training.Checkpoint.Load(path));
        using var __ = reloadedSession;
        Assert.Equal(model.Options, reloaded.Options);
        var again = new RowGeneratorTrainer(reloaded, reloadedSession, batchSize: 8, shuffleSeed: 1);
        int[] classes = [0, 1, 2, 0];
        Assert.Equal(trainer.Generate(classes, RowSampling.Mean, 9), again.Generate(classes, RowSampling.Mean, 9));
        Assert.Equal(trainer.Evaluate(Images(12, seed: 8)), again.Evaluate(Images(12, seed: 8)));
    }

    [Fact]
    public void MissingImagesNameTheFetchCommand()
    {
        using var folder = new TempFolder();
        var output = new StringWriter();
        int code = RnnCli.Run(["generate", "--data", Path.Combine(folder.Path, "absent")], output);
        Assert.Equal(1, code);
        Assert.Contains("build.ps1 data fashion-mnist", output.ToString());
    }

    internal static void WriteMnist(TempFolder folder, string prefix, Dataset images)
    {
        var bytes = images.Features.Select(p => (double)(byte)Math.Round(p * 255)).ToArray();
        folder.Write($"{prefix}-images-idx3-ubyte", DataFiles.Idx(IdxElementType.UInt8, [images.Count, images.Steps, images.Inputs], bytes));
        folder.Write($"{prefix}-labels-idx1-ubyte", DataFiles.Idx(IdxElementType.UInt8, [images.Count], images.Labels.Select(l => (double)l).ToArray()));
    }
}
