namespace RnnNative.Tests;

/// <summary>
/// Optimizers against hand-computed updates on a 3-element variable θ with loss L = Σ wᵢ(θᵢ − tᵢ)², so that
/// g = 2w(θ − t): the first step is written out by hand, later steps follow the TF1 formulas in double.
/// </summary>
public class OptimizerTests
{
    private static readonly double[] Theta0 = [1, -2, 0.5], Weights = [1, 0.5, 2], Targets = [0.5, 1, -1];
    private const int Steps = 6;

    // g at θ0 = 2·[1·0.5, 0.5·(−3), 2·1.5] = [1, −3, 6].
    private static double[] Grad(double[] theta) => theta.Select((t, i) => 2 * Weights[i] * (t - Targets[i])).ToArray();

    /// <summary>θ after each of <see cref="Steps"/> training steps.</summary>
    private static double[][] Train(Optimizer optimizer)
    {
        var g = new Graph();
        var theta = g.Variable("theta", new Shape(3), Initializer.Zeros);
        var w = g.Constant(Tensor.From(Weights.Select(v => (float)v).ToArray()));
        var t = g.Constant(Tensor.From(Targets.Select(v => (float)v).ToArray()));
        var loss = Ops.ReduceSum(Ops.Multiply(w, Ops.Square(Ops.Subtract(theta, t))));
        var train = optimizer.Minimize(loss);
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        s.Assign(theta, Tensor.From(Theta0.Select(v => (float)v).ToArray()));
        var history = new double[Steps][];
        for (int k = 0; k < Steps; k++)
        {
            s.Run(train);
            history[k] = s.Read(theta).ToFloatArray().Select(v => (double)v).ToArray();
        }
        return history;
    }

    /// <summary>Runs the double-precision reference <paramref name="update"/>(θ, g, step) for every step and compares.</summary>
    private static void AssertTrajectory(double[][] actual, double[] firstStepByHand, Action<double[], double[], int> update)
    {
        AssertClose(firstStepByHand, actual[0], 0);
        var theta = (double[])Theta0.Clone();
        for (int k = 0; k < Steps; k++)
        {
            update(theta, Grad(theta), k + 1);
            AssertClose(theta, actual[k], k);
        }
    }

    private static void AssertClose(double[] expected, double[] actual, int step)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-6 * Math.Max(1, Math.Abs(expected[i])),
                $"step {step + 1}, θ[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void GradientDescent() => AssertTrajectory(Train(new GradientDescentOptimizer(0.1f)), [0.9, -1.7, -0.1],
        (theta, g, _) => { for (int i = 0; i < 3; i++) theta[i] -= 0.1 * g[i]; });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Momentum(bool nesterov)
    {
        var accum = new double[3];
        // Step 1: a = g; plain θ − 0.1·g, Nesterov θ − 0.1·(g + 0.9·g) = θ − 0.19·g.
        double[] firstStep = nesterov ? [0.81, -1.43, -0.64] : [0.9, -1.7, -0.1];
        AssertTrajectory(Train(new MomentumOptimizer(0.1f, 0.9f, nesterov)), firstStep, (theta, g, _) =>
        {
            for (int i = 0; i < 3; i++)
            {
                accum[i] = 0.9 * accum[i] + g[i];
                theta[i] -= nesterov ? 0.1 * (g[i] + 0.9 * accum[i]) : 0.1 * accum[i];
            }
        });
    }

    [Fact]
    public void RmsPropStartsItsMeanSquareAtOneLikeTf1()
    {
        double[] ms = [1, 1, 1], mom = new double[3];
        // Step 1: ms = 0.9 + 0.1·g² = [1, 1.8, 4.5]; θ − 0.1·g/√ms = [1 − 0.1, −2 + 0.3/√1.8, 0.5 − 0.6/√4.5].
        double[] firstStep = [0.9, -2 + 0.3 / Math.Sqrt(1.8), 0.5 - 0.6 / Math.Sqrt(4.5)];
        AssertTrajectory(Train(new RmsPropOptimizer(0.1f, decay: 0.9f, momentum: 0.5f)), firstStep, (theta, g, _) =>
        {
            for (int i = 0; i < 3; i++)
            {
                ms[i] = 0.9 * ms[i] + 0.1 * g[i] * g[i];
                mom[i] = 0.5 * mom[i] + 0.1 * g[i] / Math.Sqrt(ms[i] + 1e-10);
                theta[i] -= mom[i];
            }
        });
    }

    [Fact]
    public void AdamUsesTf1BiasCorrectionInTheStepSize()
    {
        double[] m = new double[3], v = new double[3];
        // Step 1: m = 0.1g, v = 0.001g², lr_t = 0.1·√0.001/0.1, so θ moves by 0.1·g/(|g| + ε/√0.001) ≈ 0.1·sign(g).
        double[] firstStep = [1 - 0.1 / (1 + 1e-8 / Math.Sqrt(1e-3)), -2 + 0.1 / (1 + 1e-8 / Math.Sqrt(9e-3)), 0.4];
        AssertTrajectory(Train(new AdamOptimizer(0.1f)), firstStep, (theta, g, t) =>
        {
            double lrT = 0.1 * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t));
            for (int i = 0; i < 3; i++)
            {
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                theta[i] -= lrT * m[i] / (Math.Sqrt(v[i]) + 1e-8);
            }
        });
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(100f)]
    public void ClippingByGlobalNormScalesAllGradientsTogether(float clip)
    {
        // θ (3) and φ (2) trained together: g_θ = [1, −3, 6], g_φ = [2, 4]: global norm √66 ≈ 8.12.
        var g = new Graph();
        var theta = g.Variable("theta", new Shape(3), Initializer.Zeros);
        var phi = g.Variable("phi", new Shape(2), Initializer.Zeros);
        var loss = Ops.Add(Ops.ReduceSum(Ops.Multiply(theta, g.Constant(Tensor.From(new[] { 1f, -3f, 6f })))),
            Ops.ReduceSum(Ops.Multiply(phi, g.Constant(Tensor.From(new[] { 2f, 4f })))));
        var train = new GradientDescentOptimizer(0.5f) { ClipNorm = clip }.Minimize(loss);
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        s.Run(train);
        double scale = Math.Min(1, clip / Math.Sqrt(66));
        double[] expectedTheta = [-0.5 * scale, 1.5 * scale, -3 * scale], expectedPhi = [-1 * scale, -2 * scale];
        AssertClose(expectedTheta, s.Read(theta).ToFloatArray().Select(x => (double)x).ToArray(), 0);
        AssertClose(expectedPhi, s.Read(phi).ToFloatArray().Select(x => (double)x).ToArray(), 0);
    }

    [Fact]
    public void AScheduleScalesEachUpdatesLearningRate()
    {
        // Cosine over 4 updates to α = 0.2: factors (1−α)·½(1 + cos(πk/4)) + α for k = 0..5 (k ≥ 4: α).
        var schedule = new CosineDecay(4, alpha: 0.2f);
        double[] factors = [1, 0.8 * (0.5 + 0.5 * Math.Sqrt(0.5)) + 0.2, 0.6, 0.8 * (0.5 - 0.5 * Math.Sqrt(0.5)) + 0.2, 0.2, 0.2];
        AssertTrajectory(Train(new GradientDescentOptimizer(0.1f) { Schedule = schedule }), [0.9, -1.7, -0.1],
            (theta, g, t) => { for (int i = 0; i < 3; i++) theta[i] -= 0.1 * factors[t - 1] * g[i]; });

        // Adam: lr_t = lr·factor·√(1−β₂ᵗ)/(1−β₁ᵗ), the TF1 update with a decayed learning_rate tensor.
        double[] m = new double[3], v = new double[3];
        double[] firstStep = [1 - 0.1 / (1 + 1e-8 / Math.Sqrt(1e-3)), -2 + 0.1 / (1 + 1e-8 / Math.Sqrt(9e-3)), 0.4];
        AssertTrajectory(Train(new AdamOptimizer(0.1f) { Schedule = schedule }), firstStep, (theta, g, t) =>
        {
            double lrT = 0.1 * factors[t - 1] * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t));
            for (int i = 0; i < 3; i++)
            {
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                theta[i] -= lrT * m[i] / (Math.Sqrt(v[i]) + 1e-8);
            }
        });
    }

    [Fact]
    public void CosineDecayMatchesTheTf1Formula()
    {
        var cosine = new CosineDecay(10);
        Assert.Equal(1f, cosine.Factor(0));
        Assert.Equal(0.5f, cosine.Factor(5), 6);                    // ½(1 + cos(π/2))
        Assert.Equal(0.5 * (1 + Math.Cos(Math.PI * 0.3)), cosine.Factor(3), 6);
        Assert.Equal(0f, cosine.Factor(10), 6);
        Assert.Equal(0f, cosine.Factor(1000), 6);                   // stays at α after D updates
        Assert.Equal(0.1f, new CosineDecay(10, 0.1f).Factor(20), 6);

        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(10, 1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(10, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => cosine.Factor(-1));
    }

    public static TheoryData<string> AllOptimizers => ["GradientDescent", "Momentum", "RmsProp", "Adam"];

    [Theory]
    [MemberData(nameof(AllOptimizers))]
    public void MinimizingAVarListLeavesTheOtherVariablesAlone(string name)
    {
        Optimizer optimizer = name switch
        {
            "GradientDescent" => new GradientDescentOptimizer(0.1f),
            "Momentum" => new MomentumOptimizer(0.1f, 0.9f),
            "RmsProp" => new RmsPropOptimizer(0.1f),
            _ => new AdamOptimizer(0.1f),
        };
        var g = new Graph(5);
        var first = g.Variable("first", new Shape(20), Initializer.RandomNormal());  // slab offset 0
        var second = g.Variable("second", new Shape(3), Initializer.RandomNormal()); // slab offset 32
        var loss = Ops.ReduceSum(Ops.Square(Ops.Concat([first, second], 0)));
        var train = optimizer.Minimize(loss, [second]);
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var (first0, second0) = (s.Read(first).ToFloatArray(), s.Read(second).ToFloatArray());
        for (int k = 0; k < 3; k++) s.Run(train);
        Assert.Equal(first0, s.Read(first).ToFloatArray());
        var second1 = s.Read(second).ToFloatArray();
        for (int i = 0; i < 3; i++) Assert.True(Math.Abs(second1[i]) < Math.Abs(second0[i]), $"{name}: second[{i}] {second0[i]} → {second1[i]}");
    }
}
