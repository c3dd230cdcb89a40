using System.Numerics.Tensors;
using RnnNative.Distributed;

namespace RnnNative.Tests;

/// <summary>
/// <see cref="Optimizer.GradientReducer"/> on L = Σ wᵢ(θᵢ − tᵢ)² (as in OptimizerTests): g at θ0 = [1, −3, 6].
/// The reducer gets the whole gradient slab, the loss and the stop flag once per step, after gathering and before the update.
/// </summary>
public class GradientReducerTests
{
    private static readonly float[] Theta0 = [1, -2, 0.5f], Weights = [1, 0.5f, 2], Targets = [0.5f, 1, -1];

    /// <summary>Multiplies the slab by 0.5 and records what it was given.</summary>
    private sealed class HalvingReducer : IGradientReducer
    {
        public readonly List<float[]> Seen = [];

        public void Reduce(Span<float> gradients)
        {
            Seen.Add(gradients.ToArray());
            TensorPrimitives.Multiply(gradients, 0.5f, gradients);
        }
    }

    /// <summary>θ after each of <paramref name="steps"/> steps; <paramref name="lossScale"/> multiplies L.</summary>
    private static float[][] Train(Optimizer optimizer, int steps, float lossScale = 1f)
    {
        var g = new Graph();
        var theta = g.Variable("theta", new Shape(3), Initializer.Zeros);
        var w = g.Constant(Tensor.From(Weights));
        var t = g.Constant(Tensor.From(Targets));
        var loss = Ops.Multiply(g.Constant(Tensor.Scalar(lossScale)), Ops.ReduceSum(Ops.Multiply(w, Ops.Square(Ops.Subtract(theta, t)))));
        var train = optimizer.Minimize(loss);
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        s.Assign(theta, Tensor.From(Theta0));
        var history = new float[steps][];
        for (int k = 0; k < steps; k++)
        {
            s.Run(train);
            history[k] = s.Read(theta).ToFloatArray();
        }
        return history;
    }

    [Fact]
    public void HalvingReducerHalvesTheGradientDescentStep()
    {
        var reducer = new HalvingReducer();
        var theta = Train(new GradientDescentOptimizer(0.1f) { GradientReducer = reducer }, steps: 1)[0];
        // θ1 = θ0 − 0.1·0.5·[1, −3, 6]
        Assert.Equal([0.95f, -1.85f, 0.2f], theta, (a, b) => Math.Abs(a - b) < 1e-6f);
        var slab = Assert.Single(reducer.Seen);
        Assert.Equal(18, slab.Length); // the whole slab (one 3-float variable padded to 16 floats), the loss, the stop flag
        Assert.Equal([1f, -3f, 6f, 0f], slab[..4]);
        Assert.Equal(1 * 0.25f + 0.5f * 9f + 2f * 2.25f, slab[16]); // L(θ0) = Σ wᵢ(θᵢ − tᵢ)² = 9.25
        Assert.Equal(0f, slab[17]); // no stop requested
    }

    [Theory]
    [InlineData("Momentum")]
    [InlineData("ClippedSgd")]
    public void HalvingReducerEqualsTrainingOnHalfTheLoss(string name)
    {
        Func<Optimizer> make = name == "Momentum"
            ? () => new MomentumOptimizer(0.05f, 0.9f, useNesterov: true)
            : () => new GradientDescentOptimizer(0.1f) { ClipNorm = 2f }; // clipping sees the reduced gradient
        var reducer = new HalvingReducer();
        var reduced = Train(Setup(make(), reducer), steps: 6);
        var halfLoss = Train(make(), steps: 6, lossScale: 0.5f);
        Assert.Equal(6, reducer.Seen.Count);
        for (int k = 0; k < 6; k++)
            Assert.Equal(halfLoss[k], reduced[k], (a, b) => Math.Abs(a - b) <= 1e-6f * Math.Max(1, Math.Abs(a)));
    }

    private static Optimizer Setup(Optimizer optimizer, IGradientReducer reducer)
    {
        optimizer.GradientReducer = reducer;
        return optimizer;
    }

    [Fact]
    public void SteadyStateStepsWithAGradientAveragerAllocateNothing()
    {
        var g = new Graph(1);
        var x = g.Placeholder("X", new Shape(-1, 8));
        var y = g.Placeholder("y", new Shape(-1), DType.Int32);
        var logits = Layers.Dense(Layers.Dense(x, 16, h => Ops.Tanh(h)), 4);
        var loss = Ops.ReduceMean(Ops.SparseSoftmaxCrossEntropyWithLogits(y, logits));
        var optimizer = new AdamOptimizer(0.01f) { ClipNorm = 5f, GradientReducer = new GradientAverager(SingleProcessCommunicator.Instance) };
        var train = optimizer.Minimize(loss);
        var rng = new Random(3);
        var feeds = new FeedDict
        {
            [x] = Tensor.FromArray(Enumerable.Range(0, 32 * 8).Select(_ => (float)rng.NextDouble()).ToArray(), 32, 8),
            [y] = Tensor.FromArray(Enumerable.Range(0, 32).Select(_ => rng.Next(4)).ToArray(), 32),
        };
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        for (int k = 0; k < 5; k++) s.Run(train, feeds);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 10; k++) s.Run(train, feeds);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
