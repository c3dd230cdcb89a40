namespace RnnNative.Tests;

/// <summary>A training step in steady state allocates no managed memory (buffers are planned once and reused).</summary>
public class AllocationTests
{
    private static (Graph, Node Train, Node Loss, FeedDict Feeds) Build(Func<Optimizer> optimizer, bool dropout, RnnCell? rnn = null)
    {
        var g = new Graph(1);
        var x = g.Placeholder("X", new Shape(-1, 8));
        var y = g.Placeholder("y", new Shape(-1), DType.Int32);
        var training = Ops.TrainingFlag(g);
        Node hidden = rnn is null ? Layers.Dense(x, 16, h => Ops.Tanh(h), name: "hidden")
            : Rnn.Dynamic(rnn, Ops.Reshape(x, new Shape(-1, 4, 2))).State;
        if (dropout) hidden = Ops.Dropout(hidden, 0.9f, training);
        var logits = Layers.Dense(hidden, 4);
        var loss = Ops.ReduceMean(Ops.SparseSoftmaxCrossEntropyWithLogits(y, logits));
        var rng = new Random(3);
        var feeds = new FeedDict
        {
            [x] = Tensor.FromArray(Enumerable.Range(0, 32 * 8).Select(_ => (float)rng.NextDouble()).ToArray(), 32, 8),
            [y] = Tensor.FromArray(Enumerable.Range(0, 32).Select(_ => rng.Next(4)).ToArray(), 32),
            [training] = Tensor.Scalar(1f),
        };
        return (g, optimizer().Minimize(loss), loss, feeds);
    }

    public static TheoryData<string> Cells => ["basic", "lstm", "gru"];

    [Theory]
    [MemberData(nameof(Cells))]
    public void SteadyStateRnnTrainingStepsAllocateNothing(string cell)
    {
        RnnCell rnn = cell switch { "basic" => new BasicRnnCell(6), "lstm" => new BasicLstmCell(6), _ => new GruCell(6) };
        var (g, train, _, feeds) = Build(() => new AdamOptimizer(0.01f), dropout: false, rnn);
        using var s = new Session(g);
        Assert.Equal(0, AllocatedBySteadyStateSteps(s, train, feeds));
    }

    /// <summary>Bytes this thread allocates over 10 training steps after initialisation and 5 warm-up steps.</summary>
    private static long AllocatedBySteadyStateSteps(Session s, Node train, FeedDict feeds)
    {
        s.Run(s.Graph.GlobalVariablesInitializer());
        for (int k = 0; k < 5; k++) s.Run(train, feeds); // plan, buffers, optimizer slots, JIT
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 10; k++) s.Run(train, feeds);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    public static TheoryData<string, bool> Cases => new() { { "Adam", false }, { "Adam", true }, { "RmsProp", false }, { "Momentum", true } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SteadyStateTrainingStepsAllocateNothing(string name, bool dropout)
    {
        Func<Optimizer> optimizer = name switch
        {
            "Adam" => () => new AdamOptimizer(0.01f) { ClipNorm = 5f, Schedule = new CosineDecay(100) },
            "RmsProp" => () => new RmsPropOptimizer(0.01f),
            _ => () => new MomentumOptimizer(0.01f, 0.9f, useNesterov: true),
        };
        var (g, train, loss, feeds) = Build(optimizer, dropout);
        using var s = new Session(g);
        long allocated = AllocatedBySteadyStateSteps(s, train, feeds);
        Assert.True(allocated == 0, $"10 steady-state steps allocated {allocated} bytes");
        // Control: the counter does see this thread's allocations (a fetched value is a new tensor).
        long before = GC.GetAllocatedBytesForCurrentThread();
        s.Run(loss, feeds);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() > before);
    }
}
