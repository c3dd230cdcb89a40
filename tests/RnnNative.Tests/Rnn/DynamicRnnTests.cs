namespace RnnNative.Tests;

public class DynamicRnnTests
{
    // The lecture's batch: 4 instances, 2 steps, 3 inputs; instance 1 has length 1 (its step 1 is padding).
    private static readonly float[,,] XBatch =
    {
        { { 0, 1, 2 }, { 9, 8, 7 } },
        { { 3, 4, 5 }, { 0, 0, 0 } },
        { { 6, 7, 8 }, { 6, 5, 4 } },
        { { 9, 0, 1 }, { 3, 2, 1 } },
    };

    [Fact]
    public void LectureSequenceLengthExampleZeroesPaddingAndKeepsTheLastValidState()
    {
        var g = new Graph(42);
        var x = g.Placeholder("X", new Shape(-1, 2, 3));
        var lengths = g.Placeholder("seq_length", new Shape(-1), DType.Int32);
        var (outputs, state) = Rnn.Dynamic(new BasicRnnCell(5), x, lengths);
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var feeds = new FeedDict { [x] = Tensor.From(XBatch), [lengths] = Tensor.From(new[] { 2, 1, 2, 2 }) };
        var (o, st) = s.Run(outputs, state, feeds);
        var outValues = o.ToArray3D();
        var stateValues = st.ToArray2D();
        for (int j = 0; j < 5; j++)
        {
            Assert.Equal(0f, outValues[1, 1, j]);
            Assert.NotEqual(0f, outValues[1, 0, j]);
            Assert.Equal(outValues[1, 0, j], stateValues[1, j]);
            Assert.Equal(outValues[0, 1, j], stateValues[0, j]);
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void SequenceLengthOutsideTheTimeAxisNamesTheExample(int bad)
    {
        var g = new Graph(1);
        var x = g.Placeholder("X", new Shape(-1, 2, 3));
        var lengths = g.Placeholder("seq_length", new Shape(-1), DType.Int32);
        var (outputs, _) = Rnn.Dynamic(new BasicRnnCell(5), x, lengths);
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var feeds = new FeedDict { [x] = Tensor.From(XBatch), [lengths] = Tensor.From(new[] { 2, 1, bad, 2 }) };
        var e = Assert.ThrowsAny<ArgumentException>(() => s.Run(outputs, feeds));
        Assert.Contains("example 2", e.Message);
    }
}

public class SequenceClassifierTests
{
    [Theory]
    [InlineData(RnnNative.Models.CellType.Basic, 1)]
    [InlineData(RnnNative.Models.CellType.Lstm, 1)]
    [InlineData(RnnNative.Models.CellType.Gru, 2)]
    public void LearnsASmallSyntheticTask(RnnNative.Models.CellType cell, int layers)
    {
        // Class = which half of the sequence holds the bright step; needs memory across steps.
        var model = new RnnNative.Models.SequenceClassifier(new() { Steps = 6, Inputs = 3, Units = 12, Classes = 2, Cell = cell, Layers = layers, LearningRate = 0.02f, Seed = 3 });
        var rng = new Random(1);
        int batch = 32;
        var xs = new float[batch * 6 * 3];
        var ys = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            ys[b] = rng.Next(2);
            int t = ys[b] * 3 + rng.Next(3);
            for (int i = 0; i < 3; i++) xs[(b * 6 + t) * 3 + i] = 1f;
        }
        var feeds = new FeedDict { [model.X] = Tensor.FromArray(xs, batch, 6, 3), [model.Y] = Tensor.FromArray(ys, batch) };
        using var s = new Session(model.Graph);
        s.Run(model.Graph.GlobalVariablesInitializer());
        float before = s.Run(model.Loss, feeds)!.ToScalar();
        for (int i = 0; i < 60; i++) s.Run(model.TrainOp, feeds);
        var (loss, accuracy) = s.Run(model.Loss, model.Accuracy, feeds);
        Assert.True(loss.ToScalar() < before * 0.5f, $"loss {before} -> {loss.ToScalar()}");
        Assert.True(accuracy.ToScalar() > 0.9f, $"accuracy {accuracy.ToScalar()}");
    }
}

public class ClassifierGradientTests
{
    [Theory]
    [InlineData("basic")]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("stack")]
    public void FusedClassifierGradientsMatchFiniteDifferences(string kind)
    {
        var g = new Graph(21);
        var x = g.Placeholder("X", new Shape(-1, 4, 3));
        var y = g.Placeholder("y", new Shape(-1), DType.Int32);
        var lengths = g.Placeholder("len", new Shape(-1), DType.Int32);
        RnnCell cell = kind switch
        {
            "lstm" => new BasicLstmCell(5),
            "gru" => new GruCell(5),
            "stack" => new MultiRnnCell([new GruCell(4), new BasicRnnCell(5)]),
            _ => new BasicRnnCell(5),
        };
        var (_, state) = Rnn.Dynamic(cell, x, lengths);
        var logits = Layers.Dense(state, 3);
        var loss = Ops.ReduceMean(Ops.SparseSoftmaxCrossEntropyWithLogits(y, logits));
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var rng = new Random(4);
        var xs = Enumerable.Range(0, 4 * 4 * 3).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var feeds = new FeedDict
        {
            [x] = Tensor.FromArray(xs, 4, 4, 3),
            [y] = Tensor.From(new[] { 0, 2, 1, 2 }),
            [lengths] = Tensor.From(new[] { 4, 2, 0, 3 }),
        };
        Reference.GradientCheck.Assert(g, s, loss, [.. g.TrainableVariables, x], feeds);
    }
}
