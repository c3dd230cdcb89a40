using RnnNative.Tests.Reference;

namespace RnnNative.Tests;

public class WrapperTests
{
    private const int Batch = 3, Steps = 4, Inputs = 2;
    private static readonly int[] LengthValues = [4, 0, 2];

    private static Tensor RandomInputs(int seed)
    {
        var rng = new Random(seed);
        var data = new float[Batch * Steps * Inputs];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.FromArray(data, Batch, Steps, Inputs);
    }

    [Fact]
    public void OutputProjectionDynamicMatchesStaticAndZeroesPadding()
    {
        var g = new Graph(4);
        var x = g.Placeholder("X", new Shape(-1, Steps, Inputs));
        var lengths = g.Placeholder("len", new Shape(-1), DType.Int32);
        var cell = new OutputProjectionWrapper(new BasicRnnCell(5), 1);
        var dynamic = Rnn.Dynamic(cell, x, lengths);
        var stat = Rnn.Static(cell, Rnn.Unstack(x), sequenceLength: lengths);
        Assert.Contains(g.TrainableVariables, v => v.Name == "rnn/output_projection_wrapper/kernel");
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var feeds = new FeedDict { [x] = RandomInputs(1), [lengths] = Tensor.From(LengthValues) };
        var d = s.Run(dynamic.Outputs, feeds)!.ToArray3D();
        var parts = s.Run(stat.Outputs, feeds);
        for (int b = 0; b < Batch; b++)
            for (int t = 0; t < Steps; t++)
            {
                float expected = parts[t]!.ToArray2D()[b, 0];
                Assert.Equal((double)expected, d[b, t, 0], 1e-5);
                if (t >= LengthValues[b]) Assert.Equal(0f, d[b, t, 0]);
            }
        var loss = Ops.ReduceSum(Ops.Square(dynamic.Outputs));
        GradientCheck.Assert(g, s, loss, [.. g.TrainableVariables, x], feeds);
    }

    [Fact]
    public void BidirectionalBackwardReadsEachSequenceReversedWithinItsLength()
    {
        var g = new Graph(9);
        var x = g.Placeholder("X", new Shape(-1, Steps, Inputs));
        var lengths = g.Placeholder("len", new Shape(-1), DType.Int32);
        var cellBw = new GruCell(3);
        var bi = Rnn.BidirectionalDynamic(new BasicRnnCell(3), cellBw, x, lengths);
        var step0 = g.Placeholder("s0", new Shape(-1, Inputs));
        var step1 = g.Placeholder("s1", new Shape(-1, Inputs));
        var twoSteps = Rnn.Static(cellBw, [step0, step1]);        // shares cellBw's variables
        Assert.Contains(g.TrainableVariables, v => v.Name == "bidirectional_rnn/bw/gru_cell/gates/kernel");
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var inputs = RandomInputs(2);
        var feeds = new FeedDict { [x] = inputs, [lengths] = Tensor.From(LengthValues) };
        var bw = s.Run(bi.BackwardOutputs, feeds)!.ToArray3D();
        var xs = inputs.ToArray3D();

        // Example 2 (length 2): its steps 1, 0 unrolled by hand through the same backward cell.
        var check = new FeedDict
        {
            [step0] = Tensor.From(new[,] { { xs[2, 1, 0], xs[2, 1, 1] } }),
            [step1] = Tensor.From(new[,] { { xs[2, 0, 0], xs[2, 0, 1] } }),
        };
        var manual = s.Run(twoSteps.Outputs, check);
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal((double)manual[1]!.ToArray2D()[0, j], bw[2, 0, j], 1e-5);   // original step 0 is read last
            Assert.Equal((double)manual[0]!.ToArray2D()[0, j], bw[2, 1, j], 1e-5);
            Assert.Equal(0f, bw[2, 2, j]);
            Assert.Equal(0f, bw[1, 0, j]);
        }
        var loss = Ops.ReduceSum(Ops.Square(bi.ConcatenatedOutputs));
        GradientCheck.Assert(g, s, loss, [.. g.TrainableVariables, x], feeds);
    }
}

public class DropoutWrapperTests
{
    [Fact]
    public void DropoutActsOnlyWhenTrainingAndKeepsTheInnerCellsVariableNames()
    {
        var g = new Graph(2);
        var x = g.Placeholder("X", new Shape(-1, 3, 2));
        var training = Ops.TrainingFlag(g);
        var inner = new BasicRnnCell(50);
        var wrapped = new DropoutWrapper(inner, training, inputKeepProb: 1f, outputKeepProb: 0.5f, seed: 1);
        var dropped = Rnn.Dynamic(wrapped, x, scope: "rnn");
        var plain = Rnn.Dynamic(inner, x, scope: "rnn");
        Assert.Equal(["rnn/basic_rnn_cell/kernel", "rnn/basic_rnn_cell/bias"], g.TrainableVariables.Select(v => v.Name));
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var data = Enumerable.Range(0, 12).Select(i => i / 12f).ToArray();
        var feeds = new FeedDict { [x] = Tensor.FromArray(data, 2, 3, 2) };
        var reference = s.Run(plain.Outputs, feeds)!.ToFloatArray();
        Assert.Equal(reference, s.Run(dropped.Outputs, feeds)!.ToFloatArray());
        feeds[training] = Tensor.Scalar(1f);
        var train = s.Run(dropped.Outputs, feeds)!.ToFloatArray();
        int zeros = 0;
        for (int i = 0; i < train.Length; i++)
        {
            if (train[i] == 0f && reference[i] != 0f) zeros++;
            else Assert.Equal((double)reference[i] * 2f, train[i], 1e-5);
        }
        Assert.InRange(zeros, train.Length / 4, train.Length * 3 / 4);
    }
}
