namespace RnnNative.Tests;

public class StaticRnnTests
{
    private static readonly float[,] X0 = { { 0, 1, 2 }, { 3, 4, 5 }, { 6, 7, 8 }, { 9, 0, 1 } };
    private static readonly float[,] X1 = { { 9, 8, 7 }, { 0, 0, 0 }, { 6, 5, 4 }, { 3, 2, 1 } };

    [Fact]
    public void LectureManualTwoStepRnnMatchesHandComputation()
    {
        // Y0 = tanh(X0·Wx + b), Y1 = tanh(Y0·Wy + X1·Wx + b), built from plain ops.
        var g = new Graph(42);
        var x0 = g.Placeholder("X0", new Shape(-1, 3));
        var x1 = g.Placeholder("X1", new Shape(-1, 3));
        var wx = g.Variable("Wx", new Shape(3, 5), Initializer.RandomNormal());
        var wy = g.Variable("Wy", new Shape(5, 5), Initializer.RandomNormal());
        var b = g.Variable("b", new Shape(1, 5), Initializer.Zeros);
        var y0 = Ops.Tanh(Ops.Add(Ops.MatMul(x0, wx), b));
        var y1 = Ops.Tanh(Ops.Add(Ops.Add(Ops.MatMul(y0, wy), Ops.MatMul(x1, wx)), b));
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var feeds = new FeedDict { [x0] = Tensor.From(X0), [x1] = Tensor.From(X1) };
        var (v0, v1) = s.Run(y0, y1, feeds);
        var (e0, e1) = Manual(s.Read(wx).ToArray2D(), s.Read(wy).ToArray2D(), new double[5]);
        AssertClose(e0, v0.ToArray2D());
        AssertClose(e1, v1.ToArray2D());
    }

    [Fact]
    public void StaticBasicRnnCellUsesTheTensorFlowKernelLayout()
    {
        var g = new Graph(5);
        var x0 = g.Placeholder("X0", new Shape(-1, 3));
        var x1 = g.Placeholder("X1", new Shape(-1, 3));
        var cell = new BasicRnnCell(5);
        var (outputs, state) = Rnn.Static(cell, [x0, x1]);
        Assert.Equal(["rnn/basic_rnn_cell/kernel", "rnn/basic_rnn_cell/bias"], g.TrainableVariables.Select(v => v.Name));
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var bias = Enumerable.Range(0, 5).Select(i => 0.1f * i - 0.2f).ToArray();
        s.Assign((Variable)g["rnn/basic_rnn_cell/bias"], Tensor.From(bias));
        var kernel = s.Read((Variable)g["rnn/basic_rnn_cell/kernel"]).ToArray2D();   // (3 + 5, 5)
        var wx = new float[3, 5];
        var wh = new float[5, 5];
        for (int j = 0; j < 5; j++)
        {
            for (int i = 0; i < 3; i++) wx[i, j] = kernel[i, j];
            for (int i = 0; i < 5; i++) wh[i, j] = kernel[3 + i, j];
        }
        var feeds = new FeedDict { [x0] = Tensor.From(X0), [x1] = Tensor.From(X1) };
        var values = s.Run([outputs[0], outputs[1], state], feeds);
        var (e0, e1) = Manual(wx, wh, bias.Select(v => (double)v).ToArray());
        AssertClose(e0, values[0]!.ToArray2D());
        AssertClose(e1, values[1]!.ToArray2D());
        AssertClose(e1, values[2]!.ToArray2D());
    }

    // Double-precision hand computation of the lecture's two steps.
    private static (double[,], double[,]) Manual(float[,] wx, float[,] wy, double[] b)
    {
        var y0 = new double[4, 5];
        var y1 = new double[4, 5];
        for (int r = 0; r < 4; r++)
            for (int j = 0; j < 5; j++)
            {
                double a = b[j];
                for (int i = 0; i < 3; i++) a += X0[r, i] * wx[i, j];
                y0[r, j] = Math.Tanh(a);
            }
        for (int r = 0; r < 4; r++)
            for (int j = 0; j < 5; j++)
            {
                double a = b[j];
                for (int i = 0; i < 3; i++) a += X1[r, i] * wx[i, j];
                for (int i = 0; i < 5; i++) a += y0[r, i] * wy[i, j];
                y1[r, j] = Math.Tanh(a);
            }
        return (y0, y1);
    }

    private static void AssertClose(double[,] expected, float[,] actual)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++)
                Assert.True(Math.Abs(expected[i, j] - actual[i, j]) < 1e-5, $"[{i},{j}] expected {expected[i, j]}, got {actual[i, j]}");
    }
}
