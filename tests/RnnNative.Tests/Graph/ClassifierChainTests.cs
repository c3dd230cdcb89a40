using RnnNative.Tests.Reference;

namespace RnnNative.Tests;

public class ClassifierChainTests
{
    private static (Graph g, Placeholder x, Placeholder y, Node logits, Node loss) Build(int seed = 7)
    {
        var g = new Graph(seed);
        var x = g.Placeholder("X", new Shape(-1, 5));
        var y = g.Placeholder("y", new Shape(-1), DType.Int32);
        var hidden = Layers.Dense(x, 4, h => Ops.Tanh(h), name: "hidden");
        var logits = Layers.Dense(hidden, 3);
        var loss = Ops.ReduceMean(Ops.SparseSoftmaxCrossEntropyWithLogits(y, logits));
        return (g, x, y, logits, loss);
    }

    private static FeedDict Feeds(Placeholder x, Placeholder y, int batch, int seed)
    {
        var rng = new Random(seed);
        var xs = new float[batch * 5];
        for (int i = 0; i < xs.Length; i++) xs[i] = (float)(rng.NextDouble() * 2 - 1);
        var ys = new int[batch];
        for (int i = 0; i < batch; i++) ys[i] = rng.Next(3);
        return new FeedDict { [x] = Tensor.FromArray(xs, batch, 5), [y] = Tensor.FromArray(ys, batch) };
    }

    [Fact]
    public void DenseSoftmaxChainGradientsMatchFiniteDifferences()
    {
        var (g, x, y, _, loss) = Build();
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var feeds = Feeds(x, y, 6, 1);
        GradientCheck.Assert(g, s, loss, [.. g.TrainableVariables, x], feeds);
    }

    [Fact]
    public void AdamTrainingLowersTheLossAndIsBitIdenticalOnRerun()
    {
        float[] Train()
        {
            var (g, x, y, _, loss) = Build(seed: 3);
            var train = new AdamOptimizer(0.05f).Minimize(loss);
            using var s = new Session(g);
            s.Run(g.GlobalVariablesInitializer());
            var feeds = Feeds(x, y, 12, 2);
            var losses = new float[30];
            for (int i = 0; i < losses.Length; i++)
            {
                s.Run(train, feeds);
                losses[i] = s.Run(loss, feeds)!.ToScalar();
            }
            return losses;
        }
        var first = Train();
        Assert.True(first[^1] < first[0] * 0.5f, $"loss went from {first[0]} to {first[^1]}");
        Assert.Equal(first, Train());
    }

    [Fact]
    public void WrongFeedShapeNamesThePlaceholder()
    {
        var (g, x, y, _, loss) = Build();
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var feeds = new FeedDict { [x] = Tensor.FromArray(new float[12], 3, 4), [y] = Tensor.FromArray(new int[3], 3) };
        var e = Assert.Throws<ArgumentException>(() => s.Run(loss, feeds));
        Assert.Contains("'X'", e.Message);
        Assert.Contains("(?, 5)", e.Message);
        Assert.Contains("(3, 4)", e.Message);
    }

    [Fact]
    public void LabelOutOfRangeNamesTheLabel()
    {
        var (g, x, y, _, loss) = Build();
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var feeds = Feeds(x, y, 4, 3);
        feeds[y] = Tensor.FromArray(new[] { 0, 1, 7, 2 }, 4);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => s.Run(loss, feeds));
        Assert.Contains("label 7 of example 2", e.Message);
    }
}
