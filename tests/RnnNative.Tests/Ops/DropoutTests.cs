using RnnNative.Tests.Reference;
using static RnnNative.Tests.OpTestKit;

namespace RnnNative.Tests;

/// <summary>Dropout: identity unless the training flag is fed true; masks per seed and step; the gradient reuses the mask.</summary>
public class DropoutTests
{
    private const float Keep = 0.7f;

    private static (Graph, Placeholder X, Placeholder Training, Node Y) Build(int graphSeed = 3, int? opSeed = 11, bool floatFlag = false)
    {
        var g = new Graph(graphSeed);
        var x = g.Placeholder("x", new Shape(-1, 40));
        var training = floatFlag ? g.PlaceholderWithDefault("training", Tensor.Scalar(0f)) : Ops.TrainingFlag(g);
        return (g, x, training, Ops.Dropout(x, Keep, training, opSeed));
    }

    private static Tensor Input(int rows = 100) => Tensor.FromArray(AwayFromZero(rows * 40, 1), rows, 40);

    [Fact]
    public void WithoutTheFlagItIsTheIdentityWithAnIdentityGradient()
    {
        var (g, x, _, y) = Build();
        var feeds = new FeedDict { [x] = Input(2) };
        using var s = new Session(g);
        Assert.Equal(feeds[x].ToFloatArray(), s.Run(y, feeds)!.ToFloatArray());
        GradientCheck.Assert(g, s, Ops.Square(y), [x], feeds);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WhenTrainingItKeepsAboutKeepProbAndScalesByItsInverse(bool floatFlag)
    {
        var (g, x, training, y) = Build(floatFlag: floatFlag);
        var input = Input();
        using var s = new Session(g);
        var output = s.Run(y, new FeedDict { [x] = input, [training] = Tensor.Scalar(1f) })!.ToFloatArray();
        var xs = input.ToFloatArray();
        int kept = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.True(output[i] == 0f || output[i] == xs[i] * (1f / Keep), $"element {i}: {output[i]} from {xs[i]}");
            if (output[i] != 0f) kept++;
        }
        // 4000 draws: the kept fraction's standard deviation is √(0.21/4000) ≈ 0.007.
        Assert.InRange(kept / (double)xs.Length, Keep - 0.03, Keep + 0.03);
    }

    [Fact]
    public void TheGradientUsesTheMaskOfTheSameRun()
    {
        var (g, x, training, y) = Build();
        var w = Uniform(4000, 2, 0.5, 1.5);
        var loss = Ops.ReduceSum(Ops.Multiply(y, g.Constant(Tensor.FromArray(w, 100, 40))));
        var dx = g.Gradients(loss, [x])[0]!;
        using var s = new Session(g);
        var feeds = new FeedDict { [x] = Input(), [training] = Tensor.Scalar(1f) };
        for (int run = 0; run < 2; run++)
        {
            var values = s.Run([y, dx], feeds);
            var (ys, dxs) = (values[0]!.ToFloatArray(), values[1]!.ToFloatArray());
            for (int i = 0; i < ys.Length; i++) Assert.Equal(ys[i] == 0f ? 0f : w[i] * (1f / Keep), dxs[i]);
        }
    }

    private static float[][] Masks(int graphSeed, int? opSeed, int steps)
    {
        var (g, x, training, y) = Build(graphSeed, opSeed);
        using var s = new Session(g);
        var feeds = new FeedDict { [x] = Input(), [training] = Tensor.Scalar(1f) };
        return Enumerable.Range(0, steps).Select(_ => s.Run(y, feeds)!.ToFloatArray()).ToArray();
    }

    [Fact]
    public void MasksDependOnlyOnTheSeedsAndTheStep()
    {
        var first = Masks(3, 11, 3);
        var again = Masks(3, 11, 3);
        for (int k = 0; k < 3; k++) Assert.Equal(first[k], again[k]);
        Assert.NotEqual(first[0], first[1]);
        Assert.NotEqual(first[0], Masks(3, 12, 1)[0]);
        Assert.NotEqual(first[0], Masks(4, 11, 1)[0]);
        Assert.Equal(Masks(3, null, 2)[1], Masks(3, null, 2)[1]);
    }
}

/// <summary>Same seed, same graph, same backend ⇒ bit-identical training, across separately built graphs and sessions.</summary>
public class DeterminismTests
{
    private static (float[] Losses, float[] Weights) Train(Func<Optimizer> optimizer)
    {
        var g = new Graph(21);
        var x = g.Placeholder("x", new Shape(-1, 6));
        var target = g.Placeholder("target", new Shape(-1, 3));
        var training = Ops.TrainingFlag(g);
        var hidden = Ops.Dropout(Layers.Dense(x, 8, h => Ops.Relu(h), name: "hidden"), 0.8f, training);
        var loss = Ops.MeanSquaredError(target, Ops.Softmax(Layers.Dense(hidden, 3)));
        var train = optimizer().Minimize(loss);
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var feeds = new FeedDict
        {
            [x] = Tensor.FromArray(OpTestKit.Uniform(10 * 6, 1), 10, 6),
            [target] = Tensor.FromArray(OpTestKit.Uniform(10 * 3, 2, 0, 1), 10, 3),
            [training] = Tensor.Scalar(1f),
        };
        var losses = new float[8];
        for (int k = 0; k < losses.Length; k++)
        {
            s.Run(train, feeds);
            losses[k] = s.Run(loss, feeds)!.ToScalar();
        }
        var weights = g.TrainableVariables.SelectMany(v => s.Read(v).ToFloatArray()).ToArray();
        return (losses, weights);
    }

    public static TheoryData<string> Optimizers => ["Adam", "RmsProp", "Momentum"];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void TwoRunsFromScratchAreBitIdentical(string name)
    {
        Func<Optimizer> make = name switch
        {
            "Adam" => () => new AdamOptimizer(0.01f) { ClipNorm = 1f },
            "RmsProp" => () => new RmsPropOptimizer(0.01f, momentum: 0.9f),
            _ => () => new MomentumOptimizer(0.05f, 0.9f, useNesterov: true),
        };
        var (losses, weights) = Train(make);
        var (losses2, weights2) = Train(make);
        Assert.Equal(losses, losses2);
        Assert.Equal(weights, weights2);
        Assert.NotEqual(losses[0], losses[^1]); // it trained
    }
}
