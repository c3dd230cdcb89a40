namespace RnnNative.Tests;

/// <summary>Inputs and comparisons shared by the op tests.</summary>
internal static class OpTestKit
{
    /// <summary>n uniform values in [lo, hi) from a fixed seed.</summary>
    public static float[] Uniform(int n, int seed, double lo = -2, double hi = 2)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(lo + (hi - lo) * rng.NextDouble());
        return x;
    }

    /// <summary>n values in ±[lo, hi): away from zero, for kinks (relu) and poles (1/x).</summary>
    public static float[] AwayFromZero(int n, int seed, double lo = 0.2, double hi = 2)
    {
        var x = Uniform(n, seed, lo, hi);
        for (int i = 1; i < n; i += 2) x[i] = -x[i];
        return x;
    }

    public static int Count(int[] dims) => dims.Aggregate(1, (p, d) => p * d);

    /// <summary>Runs <paramref name="node"/> once in a fresh session (variables initialised) and returns its value.</summary>
    public static Tensor Run(Node node, FeedDict? feeds = null)
    {
        using var s = new Session(node.Graph);
        s.Run(node.Graph.GlobalVariablesInitializer());
        return s.Run(node, feeds)!;
    }

    /// <summary>Asserts |expected − actual| ≤ tolerance·max(1, |expected|) element by element, and equal lengths.</summary>
    public static void Close(double[] expected, float[] actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    public static void Close(double expected, float actual, double tolerance = 1e-5) => Close([expected], [actual], tolerance);
}
