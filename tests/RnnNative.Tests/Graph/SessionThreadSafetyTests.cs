namespace RnnNative.Tests;

/// <summary>A session refuses overlapping runs and runs after Dispose, with clear exceptions.</summary>
public class SessionThreadSafetyTests
{
    private static (Graph Graph, Placeholder X, Node Y) Build()
    {
        var g = new Graph(3);
        var x = g.Placeholder("X", new Shape(-1, 4));
        var y = Ops.Tanh(Layers.Dense(x, 3));
        return (g, x, y);
    }

    private static FeedDict Feeds(Placeholder x) => new() { [x] = Tensor.FromArray(new float[8], 2, 4) };

    // Starts a second Run on another thread while the first is inside a node: deterministic overlap.
    private sealed class OverlapProbe(Action secondRun) : INodeObserver
    {
        public Exception? Caught { get; private set; }
        public bool Done { get; private set; }

        public void Before(Node node)
        {
            if (Done) return;
            Done = true;
            try
            {
                Task.Run(secondRun).GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                Caught = e;
            }
        }

        public void After(Node node) { }
    }

    [Fact]
    public void ARunOverlappingAnotherThrowsInvalidOperationException()
    {
        var (g, x, y) = Build();
        using var session = new Session(g);
        session.Run(g.GlobalVariablesInitializer());
        var probe = new OverlapProbe(() => session.Run(y, Feeds(x)));
        session.Observer = probe;
        var first = session.Run(y, Feeds(x))!;
        session.Observer = null;

        var e = Assert.IsType<InvalidOperationException>(probe.Caught);
        Assert.Contains("not thread-safe", e.Message);
        Assert.Equal(session.Run(y, Feeds(x))!.ToFloatArray(), first.ToFloatArray()); // the first run was not disturbed
    }

    [Fact]
    public void RunAfterDisposeThrowsObjectDisposedException()
    {
        var (g, x, y) = Build();
        var session = new Session(g);
        session.Run(g.GlobalVariablesInitializer());
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Run(y, Feeds(x)));
        Assert.Throws<ObjectDisposedException>(() => session.Run([y], Feeds(x)));
        session.Dispose(); // twice is harmless
    }

    [Fact]
    public void SequentialRunsFromSeveralThreadsAreFine()
    {
        var (g, x, y) = Build();
        using var session = new Session(g);
        session.Run(g.GlobalVariablesInitializer());
        var expected = session.Run(y, Feeds(x))!.ToFloatArray();
        var gate = new object();
        Parallel.For(0, 8, _ =>
        {
            lock (gate) Assert.Equal(expected, session.Run(y, Feeds(x))!.ToFloatArray());
        });
    }
}
