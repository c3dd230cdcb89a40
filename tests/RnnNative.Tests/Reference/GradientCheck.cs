namespace RnnNative.Tests.Reference;

/// <summary>
/// Central finite differences through a session: perturbs each element of a variable or fed placeholder
/// by ±h, re-runs the scalar loss, and compares (L(x+h) − L(x−h)) / 2h with the graph's gradient node.
/// </summary>
/// <remarks>
/// A non-scalar output y is checked through the scalar L = Σ y ⊙ w with fixed weights w ∈ [0.5, 1.5) of
/// alternating sign, so that every element of dL/dy differs and a mixed-up index cannot cancel out.
/// Error budget (float32 forward, h = 1e-2): truncation h²·f'''/6 ≈ 2e-5·f''' and rounding ≈ 1e-7·|L| / h,
/// both far below the default tolerance of 5e-3·max(1, |numeric|).
/// </remarks>
public static class GradientCheck
{
    /// <summary>Checks d(output)/dx for every x in <paramref name="xs"/> (scalar output, or projected as above).</summary>
    public static void Assert(Graph g, Session s, Node output, IReadOnlyList<Node> xs, FeedDict? feeds = null,
        double h = 1e-2, double tolerance = 5e-3, int maxElements = 64)
    {
        var loss = output.Shape.Rank == 0 ? output : Project(g, s, output, feeds);
        var grads = g.Gradients(loss, xs);
        for (int i = 0; i < xs.Count; i++)
        {
            Xunit.Assert.True(grads[i] is not null, $"no gradient for {xs[i].Name}");
            var analytic = s.Run(grads[i]!, feeds)!.ToFloatArray();
            var storage = Storage(s, xs[i], feeds);
            var values = storage.Read();
            Xunit.Assert.Equal(values.Length, analytic.Length);
            int stride = Math.Max(1, values.Length / maxElements);
            for (int e = 0; e < values.Length; e += stride)
            {
                double numeric = Numeric(s, loss, feeds, storage, values, e, h);
                double scale = Math.Max(1.0, Math.Abs(numeric));
                Xunit.Assert.True(Math.Abs(numeric - analytic[e]) <= tolerance * scale,
                    $"d{output.Name}/d{xs[i].Name}[{e}]: analytic {analytic[e]}, numeric {numeric}");
            }
        }
    }

    private static Node Project(Graph g, Session s, Node output, FeedDict? feeds)
    {
        var dims = s.Run(output, feeds)!.Shape.ToArray();
        var weights = new float[ElementCount(dims)];
        var rng = new Random(dims.Length * 7919 + weights.Length);
        for (int i = 0; i < weights.Length; i++) weights[i] = (float)((0.5 + rng.NextDouble()) * (i % 2 == 0 ? 1 : -1));
        return Ops.ReduceSum(Ops.Multiply(output, g.Constant(Tensor.FromArray(weights, dims))));
    }

    private static int ElementCount(int[] dims) => dims.Aggregate(1, (p, d) => p * d);

    private static double Numeric(Session s, Node loss, FeedDict? feeds, ValueStorage storage, float[] values, int e, double h)
    {
        float original = values[e];
        values[e] = (float)(original + h);
        storage.Write(values);
        double plus = s.Run(loss, feeds)!.ToScalar();
        values[e] = (float)(original - h);
        storage.Write(values);
        double minus = s.Run(loss, feeds)!.ToScalar();
        values[e] = original;
        storage.Write(values);
        return (plus - minus) / ((double)(float)(original + h) - (float)(original - h));
    }

    private static ValueStorage Storage(Session s, Node x, FeedDict? feeds) => x switch
    {
        Variable v => new ValueStorage(() => s.Read(v).ToFloatArray(), a => s.Assign(v, Tensor.FromArray((float[])a.Clone(), v.Shape.ToArray()))),
        Placeholder p when feeds is not null && feeds.TryGetValue(p, out var t) =>
            new ValueStorage(() => t.ToFloatArray(), a => feeds[p] = Tensor.FromArray((float[])a.Clone(), t.Shape.ToArray())),
        _ => throw new ArgumentException($"{x.Name} is neither a variable nor a fed placeholder."),
    };

    private sealed record ValueStorage(Func<float[]> Read, Action<float[]> Write);
}
