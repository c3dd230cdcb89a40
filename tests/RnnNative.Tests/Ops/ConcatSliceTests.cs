using RnnNative.Tests.Reference;

namespace RnnNative.Tests;

/// <summary>Concat and Slice gradients against finite differences.</summary>
public class ConcatSliceTests
{
    [Fact]
    public void ConcatThenSliceGradientsMatchFiniteDifferences()
    {
        var g = new Graph(1);
        var a = g.Variable("a", new Shape(2, 3), Initializer.RandomNormal());
        var b = g.Variable("b", new Shape(2, 2), Initializer.RandomNormal());
        var c = Ops.Concat([a, b], axis: 1);                       // (2, 5)
        var parts = Ops.Split(c, 5, axis: 1);
        var w = g.Variable("w", new Shape(2, 5), Initializer.RandomNormal());
        var loss = Ops.ReduceSum(Ops.Multiply(Ops.Tanh(Ops.Concat([parts[4], parts[0], Ops.Slice(c, 1, 1, 3)], 1)), w));
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var av = s.Read(a).ToFloatArray();
        var bv = s.Read(b).ToFloatArray();
        var cv = s.Run(c)!.ToFloatArray();
        Assert.Equal(new[] { av[0], av[1], av[2], bv[0], bv[1], av[3], av[4], av[5], bv[2], bv[3] }, cv);
        Reference.GradientCheck.Assert(g, s, loss, [a, b, w]);
    }
}
