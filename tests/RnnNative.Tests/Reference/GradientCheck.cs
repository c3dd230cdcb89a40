namespace RnnNative.Tests.Reference;

/// <summary>
/// Central finite differences through a session: perturbs each element of a variable or fed placeholder
/// by ±h, re-runs the scalar loss, and compares (L(x+h) − L(x−h)) / 2h with the graph's gradient node.
/// </summary>
public static class GradientCheck
{
    /// <summary>Checks dLoss/dx for every x in <paramref name="xs"/>; loss must be a scalar node.</summary>
    public static void Assert(Graph g, Session s, Node loss, IReadOnlyList<Node> xs, FeedDict? feeds = null,
        double h = 1e-2, double tolerance = 2e-2, int maxElements = 40)
    {
        var grads = g.Gradients(loss, xs);
        for (int i = 0; i < xs.Count; i++)
        {
            Xunit.Assert.True(grads[i] is not null, $"no gradient for {xs[i].Name}");
            var analytic = s.Run(grads[i]!, feeds)!.ToFloatArray();
            var storage = Storage(s, xs[i], feeds);
            var values = storage.Read();
            int stride = Math.Max(1, values.Length / maxElements);
            for (int e = 0; e < values.Length; e += stride)
            {
                double numeric = Numeric(s, loss, feeds, storage, values, e, h);
                double scale = Math.Max(1.0, Math.Abs(numeric));
                Xunit.Assert.True(Math.Abs(numeric - analytic[e]) <= tolerance * scale,
                    $"d{loss.Name}/d{xs[i].Name}[{e}]: analytic {analytic[e]}, numeric {numeric}");
            }
        }
    }

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
        return (plus - minus) / (2 * h);
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
