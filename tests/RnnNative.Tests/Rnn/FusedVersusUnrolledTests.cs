namespace RnnNative.Tests;

/// <summary>The fused Rnn.Dynamic against its slow twin, the unrolled composition of ops, in one graph with shared weights.</summary>
public class FusedVersusUnrolledTests
{
    public static TheoryData<string, bool, bool> Cases()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var cell in new[] { "tanh", "relu", "lstm", "gru", "stack", "projection" })
            foreach (bool timeMajor in new[] { false, true })
                foreach (bool initial in new[] { false, true })
                    data.Add(cell, timeMajor, initial);
        return data;
    }

    private static RnnCell MakeCell(string kind) => kind switch
    {
        "tanh" => new BasicRnnCell(4),
        "relu" => new BasicRnnCell(4, Activation.Relu),
        "lstm" => new BasicLstmCell(4),
        "gru" => new GruCell(4),
        "stack" => new MultiRnnCell([new BasicLstmCell(3), new GruCell(4), new BasicRnnCell(4)]),
        _ => new OutputProjectionWrapper(new BasicLstmCell(4), 2),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedMatchesUnrolledInValuesAndEveryGradient(string kind, bool timeMajor, bool withInitialState)
    {
        const int batch = 5, steps = 4, inputs = 3;
        var g = new Graph(11);
        var x = g.Placeholder("X", timeMajor ? new Shape(steps, -1, inputs) : new Shape(-1, steps, inputs));
        var lengths = g.Placeholder("len", new Shape(-1), DType.Int32);
        var cell = MakeCell(kind);
        Node[]? init = null;
        if (withInitialState)
            init = Enumerable.Range(0, cell.StateParts).Select(p => (Node)g.Variable($"init{p}", new Shape(batch, StateUnits(cell, p)), Initializer.RandomNormal(0, 0.5f))).ToArray();
        var fused = Rnn.Dynamic(cell, x, lengths, init, timeMajor, scope: "rnn");
        var unrolled = Rnn.Dynamic(cell, x, lengths, init, timeMajor, scope: "rnn", useFusedKernels: false);
        Node Loss(DynamicRnnResult r) => Ops.AddN([Ops.ReduceSum(Ops.Multiply(r.Outputs, Probe(g, r.Outputs, "po"))),
            .. r.States.Select((st, i) => Ops.ReduceSum(Ops.Multiply(st, Probe(g, st, $"ps{i}"))))]);
        var lossF = Loss(fused);
        var lossU = Loss(unrolled);
        var wrt = g.TrainableVariables.Cast<Node>().Append(x).ToArray();
        var gradF = g.Gradients(lossF, wrt);
        var gradU = g.Gradients(lossU, wrt);

        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var feeds = new FeedDict { [x] = RandomTensor(timeMajor ? [steps, batch, inputs] : [batch, steps, inputs], 5), [lengths] = Tensor.From(new[] { 4, 0, 2, 1, 4 }) };
        AssertClose(s.Run(unrolled.Outputs, feeds)!, s.Run(fused.Outputs, feeds)!, "outputs");
        for (int i = 0; i < fused.States.Count; i++) AssertClose(s.Run(unrolled.States[i], feeds)!, s.Run(fused.States[i], feeds)!, $"state {i}");
        for (int i = 0; i < wrt.Length; i++)
        {
            Assert.True(gradF[i] is not null && gradU[i] is not null, $"missing gradient for {wrt[i].Name}");
            AssertClose(s.Run(gradU[i]!, feeds)!, s.Run(gradF[i]!, feeds)!, $"d/d{wrt[i].Name}");
        }
    }

    private static int StateUnits(RnnCell cell, int part) => cell.StateSize(part);

    // A fixed random weighting of a tensor, so that every element's gradient differs.
    private static Node Probe(Graph g, Node like, string name)
    {
        var dims = like.Shape.ToArray();
        for (int i = 0; i < dims.Length; i++) if (dims[i] == -1) dims[i] = 5;
        return g.Constant(RandomTensor(dims, name.GetHashCode() & 0xFFFF), name);
    }

    private static Tensor RandomTensor(int[] dims, int seed)
    {
        var rng = new Random(seed);
        var data = new float[dims.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.FromArray(data, dims);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToFloatArray();
        var a = actual.ToFloatArray();
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= 1e-4f * Math.Max(1f, Math.Abs(e[i])), $"{what}[{i}]: unrolled {e[i]}, fused {a[i]}");
    }
}
