using RnnNative.Models;
using RnnNative.Tests.Data;
using RnnOnnx = RnnNative.Onnx;

namespace RnnNative.Tests.Onnx;

/// <summary>Exported sequence classifiers run by ONNX Runtime against the engine on the same weights and inputs.</summary>
public class ClassifierExportTests
{
    private const int Batch = 6, Steps = 5, Inputs = 3;
    // Ragged, with a 0 and a full-length example.
    private static readonly int[] Lengths = [5, 0, 3, 1, 5, 2];

    public static TheoryData<CellType, int, bool> Models()
    {
        var data = new TheoryData<CellType, int, bool>();
        foreach (var cell in new[] { CellType.Basic, CellType.Lstm, CellType.Gru })
            foreach (int layers in new[] { 1, 2 })
                foreach (bool lengths in new[] { false, true }) data.Add(cell, layers, lengths);
        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void OnnxRuntimeMatchesEngineLogitsProbabilitiesAndClasses(CellType cell, int layers, bool useLengths)
    {
        var options = new SequenceClassifierOptions
        {
            Steps = Steps, Inputs = Inputs, Units = 4, Layers = layers, Classes = 3, Cell = cell, UseSequenceLengths = useLengths,
        };
        using var folder = new TempFolder();
        var (model, session) = RandomModel(options, seed: 10 * (int)cell + layers);
        using var _ = session;
        float[] x = RandomValues(new Random(7), Batch * Steps * Inputs, 1.5f);
        int[]? lengths = useLengths ? Lengths : null;

        var feeds = new FeedDict { [model.X] = Tensor.FromArray(x, Batch, Steps, Inputs) };
        if (useLengths) feeds[model.Lengths!] = Tensor.FromArray(lengths!, Batch);
        float[] expected = session.Run(model.Logits, feeds)!.ToFloatArray();

        string path = Path.Combine(folder.Path, "model.onnx");
        RnnOnnx.Export(model, session, path);
        var ort = OrtRunner.Run(path, x, Batch, Steps, Inputs, lengths, "logits", "probabilities", "class");

        Assert.Equal([Batch, 3L], ort["logits"].Shape);
        Assert.True(OrtRunner.MaxAbsDifference(expected, ort["logits"].Values) <= 1e-5f,
            $"max |logits difference| {OrtRunner.MaxAbsDifference(expected, ort["logits"].Values)}");
        for (int n = 0; n < Batch; n++)
        {
            var row = expected.AsSpan(3 * n, 3);
            float max = row[0], sum = 0;
            foreach (float v in row) max = Math.Max(max, v);
            foreach (float v in row) sum += MathF.Exp(v - max);
            for (int c = 0; c < 3; c++)
                Assert.Equal(MathF.Exp(row[c] - max) / sum, ort["probabilities"].Values[3 * n + c], 1e-5f);
            Assert.Equal(row.IndexOf(max), (int)ort["class"].Values[n]);
        }
    }

    [Fact]
    public void LengthZeroGivesTheDenseBiasLikeTheEngine()
    {
        // The engine's final state for length 0 is the zero initial state, so its logits are dense/bias exactly.
        var options = new SequenceClassifierOptions { Steps = 4, Inputs = 2, Units = 3, Classes = 2, Cell = CellType.Lstm, UseSequenceLengths = true };
        using var folder = new TempFolder();
        var (model, session) = RandomModel(options, seed: 3);
        using var _ = session;
        float[] bias = session.Read(model.Graph.GlobalVariables.Single(v => v.Name == "dense/bias")).ToFloatArray();
        string path = Path.Combine(folder.Path, "model.onnx");
        RnnOnnx.Export(model, session, path);

        var ort = OrtRunner.Run(path, RandomValues(new Random(1), 2 * 4 * 2, 1f), 2, 4, 2, [0, 0], "logits");

        Assert.Equal([.. bias, .. bias], ort["logits"].Values);
    }

    [Theory]
    [InlineData(CellType.Basic, 6)]
    [InlineData(CellType.Lstm, -1)]
    [InlineData(CellType.Gru, 6)]
    public void OnnxRuntimeRejectsLengthsOutsideTheSequenceLikeTheEngine(CellType cell, int badLength)
    {
        var options = new SequenceClassifierOptions { Steps = Steps, Inputs = Inputs, Units = 3, Classes = 2, Cell = cell, UseSequenceLengths = true };
        using var folder = new TempFolder();
        var (model, session) = RandomModel(options, seed: 6);
        using var _ = session;
        string path = Path.Combine(folder.Path, "model.onnx");
        RnnOnnx.Export(model, session, path);
        float[] x = RandomValues(new Random(5), 2 * Steps * Inputs, 1f);

        var e = Assert.Throws<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(() => OrtRunner.Run(path, x, 2, Steps, Inputs, [2, badLength], "logits"));

        Assert.Contains("sequence_lens", e.Message);
        Assert.ThrowsAny<Exception>(() => session.Run(model.Logits, new FeedDict
        {
            [model.X] = Tensor.FromArray(x, 2, Steps, Inputs),
            [model.Lengths!] = Tensor.FromArray(new[] { 2, badLength }, 2),
        }));
    }

    [Fact]
    public void TimeDimensionIsDynamic()
    {
        // Exported from a 5-step model, run on 9 steps: matches the engine's 9-step model with the same weights.
        var options = new SequenceClassifierOptions { Steps = Steps, Inputs = Inputs, Units = 4, Classes = 3, Cell = CellType.Gru };
        using var folder = new TempFolder();
        var (model, session) = RandomModel(options, seed: 4);
        using var _ = session;
        string path = Path.Combine(folder.Path, "model.onnx");
        RnnOnnx.Export(model, session, path);

        var longer = new SequenceClassifier(options with { Steps = 9 });
        using var longSession = new Session(longer.Graph);
        foreach (var v in longer.Graph.GlobalVariables) longSession.Assign(v, session.Read(model.Graph.GlobalVariables.Single(w => w.Name == v.Name)));
        float[] x = RandomValues(new Random(2), 2 * 9 * Inputs, 1f);
        float[] expected = longSession.Run(longer.Logits, new FeedDict { [longer.X] = Tensor.FromArray(x, 2, 9, Inputs) })!.ToFloatArray();

        var ort = OrtRunner.Run(path, x, 2, 9, Inputs, null, "logits");

        Assert.True(OrtRunner.MaxAbsDifference(expected, ort["logits"].Values) <= 1e-5f);
    }

    /// <summary>A classifier whose every variable (biases too) holds random values, so no weight block can hide a layout mistake.</summary>
    internal static (SequenceClassifier Model, Session Session) RandomModel(SequenceClassifierOptions options, int seed)
    {
        var model = new SequenceClassifier(options);
        var session = new Session(model.Graph);
        session.Run(model.Graph.GlobalVariablesInitializer());
        var rng = new Random(seed);
        foreach (var v in model.Graph.TrainableVariables)
            session.Assign(v, Tensor.FromArray(RandomValues(rng, v.Shape.ElementCount, 0.8f), v.Shape.ToArray()));
        return (model, session);
    }

    internal static float[] RandomValues(Random rng, int count, float scale) =>
        Enumerable.Range(0, count).Select(_ => scale * (2 * (float)rng.NextDouble() - 1)).ToArray();
}
