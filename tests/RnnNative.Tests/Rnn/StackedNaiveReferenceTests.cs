using RnnNative.Kernels;
using RnnNative.Tests.RnnKernels;

namespace RnnNative.Tests;

/// <summary>
/// A stacked Rnn.Dynamic (fused, through the graph) against the naive per-sequence double-precision reference
/// run layer by layer: forward bottom-up, then backward top-down with the upper layer's dX as the lower layer's dOutputs.
/// </summary>
public class StackedNaiveReferenceTests
{
    private const int Batch = 4, Steps = 5, Inputs = 3, Units = 4;
    private static readonly int[] LengthValues = [5, 0, 3, 1];

    [Theory]
    [InlineData(RnnCellKind.Gru, RnnCellKind.Lstm)]
    [InlineData(RnnCellKind.BasicTanh, RnnCellKind.BasicRelu)]
    [InlineData(RnnCellKind.Lstm, RnnCellKind.BasicTanh)]
    public void TwoLayersMatchTheNaiveReferenceInValuesAndGradients(RnnCellKind bottom, RnnCellKind top)
    {
        var g = new Graph(31);
        var x = g.Placeholder("X", new Shape(-1, Steps, Inputs));
        var lengths = g.Placeholder("len", new Shape(-1), DType.Int32);
        var cells = new[] { MakeCell(bottom), MakeCell(top) };
        var result = Rnn.Dynamic(new MultiRnnCell(cells), x, lengths);
        var probeOut = g.Constant(RandomTensor(3, Batch, Steps, Units));
        var probeState = g.Constant(RandomTensor(4, Batch, Units));
        var loss = Ops.Add(Ops.ReduceSum(Ops.Multiply(result.Outputs, probeOut)), Ops.ReduceSum(Ops.Multiply(result.State, probeState)));
        var wrt = g.TrainableVariables.Cast<Node>().Append(x).ToArray();
        var grads = g.Gradients(loss, wrt);
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var xs = RandomTensor(5, Batch, Steps, Inputs);
        var feeds = new FeedDict { [x] = xs, [lengths] = Tensor.From(LengthValues) };

        double[] Weights(RnnCell cell, int i) => s.Read(cell.Variables[i]).ToFloatArray().Select(v => (double)v).ToArray();
        RnnProblem Problem(int layer, double[] input, double[] dOutputs, double[] dFinalH) => new()
        {
            Cell = new RnnCellSpec(layer == 0 ? bottom : top, layer == 0 ? Inputs : Units, Units),
            Batch = Batch, Steps = Steps, TimeMajor = false, Lengths = LengthValues, X = input,
            Kernel = Weights(cells[layer], 0), Bias = Weights(cells[layer], 1),
            CandidateKernel = cells[layer] is GruCell ? Weights(cells[layer], 2) : [],
            CandidateBias = cells[layer] is GruCell ? Weights(cells[layer], 3) : [],
            H0 = [], C0 = [], DOutputs = dOutputs, DFinalH = dFinalH, DFinalC = [],
        };
        var x0 = xs.ToFloatArray().Select(v => (double)v).ToArray();
        var lower = NaiveRnn.Run(Problem(0, x0, [], []));
        var upper = NaiveRnn.Run(Problem(1, lower.Outputs, Doubles(probeOut), Doubles(probeState)));
        var lowerBackward = NaiveRnn.Run(Problem(0, x0, upper.DX, []));

        AssertClose(upper.Outputs, s.Run(result.Outputs, feeds)!, "outputs");
        AssertClose(upper.FinalH, s.Run(result.State, feeds)!, "final h");
        var expected = new List<double[]>();
        foreach (var (layer, r) in new[] { (0, lowerBackward), (1, upper) })
        {
            expected.Add(r.DKernel);
            expected.Add(r.DBias);
            if (cells[layer] is GruCell) { expected.Add(r.DCandidateKernel); expected.Add(r.DCandidateBias); }
        }
        expected.Add(lowerBackward.DX);
        for (int i = 0; i < wrt.Length; i++) AssertClose(expected[i], s.Run(grads[i]!, feeds)!, $"d/d{wrt[i].Name}");
    }

    private static RnnCell MakeCell(RnnCellKind kind) => kind switch
    {
        RnnCellKind.BasicTanh => new BasicRnnCell(Units),
        RnnCellKind.BasicRelu => new BasicRnnCell(Units, Activation.Relu),
        RnnCellKind.Lstm => new BasicLstmCell(Units),
        _ => new GruCell(Units),
    };

    private static double[] Doubles(Constant c) => c.Value.ToFloatArray().Select(v => (double)v).ToArray();

    private static Tensor RandomTensor(int seed, params int[] dims)
    {
        var rng = new Random(seed);
        var data = new float[dims.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.FromArray(data, dims);
    }

    private static void AssertClose(double[] expected, Tensor actual, string what)
    {
        var a = actual.ToFloatArray();
        Assert.Equal(expected.Length, a.Length);
        double scale = Math.Max(1.0, expected.Max(Math.Abs));
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(expected[i] - a[i]) <= 1e-4 * scale, $"{what}[{i}]: reference {expected[i]}, graph {a[i]}");
    }
}
