using RnnNative.Tests.Reference;

namespace RnnNative.Tests;

public class LstmCellTests
{
    private static Tensor Random(int seed, params int[] dims)
    {
        var rng = new Random(seed);
        var data = new float[dims.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.FromArray(data, dims);
    }

    [Fact]
    public void WithoutOptionsItComputesWhatBasicLstmCellComputes()
    {
        var g = new Graph(3);
        var x = g.Placeholder("X", new Shape(-1, 3, 2));
        var basic = Rnn.Dynamic(new BasicLstmCell(4), x, scope: "a");
        var full = Rnn.Dynamic(new LstmCell(4), x, scope: "b");
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        s.Assign((Variable)g["b/lstm_cell/kernel"], s.Read((Variable)g["a/basic_lstm_cell/kernel"]));
        s.Assign((Variable)g["b/lstm_cell/bias"], Random(1, 16));
        s.Assign((Variable)g["a/basic_lstm_cell/bias"], s.Read((Variable)g["b/lstm_cell/bias"]));
        var feeds = new FeedDict { [x] = Random(2, 5, 3, 2) };
        var expected = s.Run(basic.Outputs, feeds)!.ToFloatArray();
        var actual = s.Run(full.Outputs, feeds)!.ToFloatArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5);
    }

    [Fact]
    public void PeepholesClipAndProjectionMatchAHandComputedStep()
    {
        var g = new Graph(4);
        var x = g.Placeholder("X", new Shape(-1, 2));
        var cell = new LstmCell(3, usePeepholes: true, cellClip: 0.5f, numProj: 2, projClip: 0.3f, forgetBias: 1f);
        var c0 = g.Constant(Random(5, 1, 3));
        var m0 = g.Constant(Random(6, 1, 2));
        var (output, state) = cell.Call(x, [c0, m0]);
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var xv = Random(7, 1, 2);
        var feeds = new FeedDict { [x] = xv };
        var values = s.Run([state[0], output], feeds);
        double[] Read(string name) => s.Read((Variable)g[name]).ToFloatArray().Select(v => (double)v).ToArray();
        var (k, b, wi, wf, wo, p) = (Read("lstm_cell/kernel"), Read("lstm_cell/bias"), Read("lstm_cell/w_i_diag"),
            Read("lstm_cell/w_f_diag"), Read("lstm_cell/w_o_diag"), Read("lstm_cell/projection/kernel"));
        var input = xv.ToFloatArray().Concat(m0.Value.ToFloatArray()).Select(v => (double)v).ToArray();   // [x, m]: 4
        var c = c0.Value.ToFloatArray();
        static double Sig(double v) => 1 / (1 + Math.Exp(-v));
        var newC = new double[3];
        var m = new double[3];
        for (int j = 0; j < 3; j++)
        {
            double Gate(int g4) { double a = b[g4 * 3 + j]; for (int r = 0; r < 4; r++) a += input[r] * k[r * 12 + g4 * 3 + j]; return a; }
            double cj = Sig(Gate(2) + 1 + wf[j] * c[j]) * c[j] + Sig(Gate(0) + wi[j] * c[j]) * Math.Tanh(Gate(1));
            newC[j] = Math.Clamp(cj, -0.5, 0.5);
            m[j] = Sig(Gate(3) + wo[j] * newC[j]) * Math.Tanh(newC[j]);
        }
        var cActual = values[0]!.ToFloatArray();
        var mActual = values[1]!.ToFloatArray();
        for (int j = 0; j < 3; j++) Assert.Equal(newC[j], cActual[j], 1e-5);
        for (int q = 0; q < 2; q++)
        {
            double proj = 0;
            for (int j = 0; j < 3; j++) proj += m[j] * p[j * 2 + q];
            Assert.Equal(Math.Clamp(proj, -0.3, 0.3), mActual[q], 1e-5);
        }
    }

    [Fact]
    public void StaticEqualsDynamicWithLengthsAndGradientsMatchFiniteDifferences()
    {
        var g = new Graph(8);
        var x = g.Placeholder("X", new Shape(-1, 3, 2));
        var lengths = g.Placeholder("len", new Shape(-1), DType.Int32);
        var cell = new LstmCell(3, usePeepholes: true, cellClip: 2f, numProj: 2);
        var dynamic = Rnn.Dynamic(cell, x, lengths);
        var stat = Rnn.Static(cell, Rnn.Unstack(x), sequenceLength: lengths);
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var feeds = new FeedDict { [x] = Random(9, 3, 3, 2), [lengths] = Tensor.From(new[] { 3, 1, 0 }) };
        var (d, st) = s.Run(dynamic.State, stat.State, feeds);
        Assert.Equal(st.ToFloatArray(), d.ToFloatArray());
        var loss = Ops.ReduceSum(Ops.Square(dynamic.Outputs));
        GradientCheck.Assert(g, s, loss, [.. g.TrainableVariables, x], feeds);
    }
}
