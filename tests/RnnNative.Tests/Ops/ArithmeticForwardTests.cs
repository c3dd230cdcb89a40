using RnnNative.Tests.Reference;
using static RnnNative.Tests.OpTestKit;

namespace RnnNative.Tests;

/// <summary>MatMul, broadcasting binary ops, unary ops and reductions against <see cref="NaiveOps"/>.</summary>
public class ArithmeticForwardTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void MatMulMatchesNaiveForEveryTransposeCombination(bool transA, bool transB)
    {
        const int m = 3, k = 5, n = 4;
        int[] aDims = transA ? [k, m] : [m, k], bDims = transB ? [n, k] : [k, n];
        float[] a = Uniform(m * k, 1), b = Uniform(k * n, 2);
        var g = new Graph();
        var pa = g.Placeholder("a", new Shape(-1, aDims[1]));
        var pb = g.Placeholder("b", new Shape(bDims));
        var c = Ops.MatMul(pa, pb, transA, transB);
        var result = Run(c, new FeedDict { [pa] = Tensor.FromArray(a, aDims), [pb] = Tensor.FromArray(b, bDims) });
        Assert.Equal(new[] { m, n }, result.Shape.ToArray());
        Close(NaiveOps.MatMul(NaiveOps.ToDouble(a), aDims, NaiveOps.ToDouble(b), bDims, transA, transB), result.ToFloatArray());
    }

    public static TheoryData<string, int[], int[]> BroadcastCases => new()
    {
        { "Add", [2, 3], [2, 3] }, { "Add", [4, 3], [3] }, { "Add", [3], [4, 3] }, { "Add", [], [2, 3] }, { "Add", [2, 3], [] },
        { "Subtract", [4, 3], [3] }, { "Subtract", [3], [4, 3] }, { "Subtract", [], [5] }, { "Subtract", [5], [] },
        { "Multiply", [2, 4, 3], [4, 3] }, { "Multiply", [3], [2, 2, 3] }, { "Multiply", [], [2, 3] }, { "Multiply", [2, 3], [] },
        { "Divide", [4, 3], [3] }, { "Divide", [3], [4, 3] }, { "Divide", [], [2, 3] }, { "Divide", [2, 3], [] }, { "Divide", [2, 3], [2, 3] },
        { "Maximum", [4, 3], [3] }, { "Maximum", [], [2, 3] }, { "Maximum", [2, 3], [2, 3] },
        { "Minimum", [3], [4, 3] }, { "Minimum", [2, 3], [] }, { "Minimum", [2, 3], [2, 3] },
    };

    [Theory]
    [MemberData(nameof(BroadcastCases))]
    public void BinaryOpsBroadcastLikeTheReference(string op, int[] aDims, int[] bDims)
    {
        float[] a = AwayFromZero(Count(aDims), 3), b = AwayFromZero(Count(bDims), 4);
        var g = new Graph();
        var ca = g.Constant(Tensor.FromArray(a, aDims));
        var cb = g.Constant(Tensor.FromArray(b, bDims));
        var (node, f) = Binary(op, ca, cb);
        var result = Run(node);
        Assert.Equal(aDims.Length >= bDims.Length ? aDims : bDims, result.Shape.ToArray());
        Close(NaiveOps.Binary(NaiveOps.ToDouble(a), NaiveOps.ToDouble(b), f), result.ToFloatArray());
    }

    internal static (Node, Func<double, double, double>) Binary(string op, Node a, Node b) => op switch
    {
        "Add" => (Ops.Add(a, b), (x, y) => x + y),
        "Subtract" => (Ops.Subtract(a, b), (x, y) => x - y),
        "Multiply" => (Ops.Multiply(a, b), (x, y) => x * y),
        "Maximum" => (Ops.Maximum(a, b), Math.Max),
        "Minimum" => (Ops.Minimum(a, b), Math.Min),
        _ => (Ops.Divide(a, b), (x, y) => x / y),
    };

    public static TheoryData<string> UnaryNames => ["Negate", "Square", "Tanh", "Sigmoid", "Relu", "Exp", "Log"];

    [Theory]
    [MemberData(nameof(UnaryNames))]
    public void UnaryOpsMatchTheReference(string op)
    {
        var x = op == "Log" ? Uniform(37, 5, 0.1, 4) : Uniform(37, 5, -4, 4);
        var g = new Graph();
        var (node, f) = Unary(op, g.Constant(Tensor.FromArray(x, 37)));
        Close(NaiveOps.Unary(NaiveOps.ToDouble(x), f), Run(node).ToFloatArray(), 2e-6);
    }

    internal static (Node, Func<double, double>) Unary(string op, Node x) => op switch
    {
        "Negate" => (Ops.Negate(x), v => -v),
        "Square" => (Ops.Square(x), v => v * v),
        "Tanh" => (Ops.Tanh(x), Math.Tanh),
        "Sigmoid" => (Ops.Sigmoid(x), NaiveOps.Sigmoid),
        "Relu" => (Ops.Relu(x), v => Math.Max(v, 0)),
        "Exp" => (Ops.Exp(x), Math.Exp),
        _ => (Ops.Log(x), Math.Log),
    };

    [Fact]
    public void ReduceAllSumsAndAveragesEveryElement()
    {
        var x = Uniform(24, 6);
        var g = new Graph();
        var c = g.Constant(Tensor.FromArray(x, 2, 3, 4));
        Close(NaiveOps.Sum(NaiveOps.ToDouble(x)), Run(Ops.ReduceSum(c)).ToScalar());
        Close(NaiveOps.Sum(NaiveOps.ToDouble(x)) / 24, Run(Ops.ReduceMean(c)).ToScalar());
        Assert.Equal(0, Run(Ops.ReduceSum(c)).Shape.Rank);
    }

    [Theory]
    [InlineData(0, false)] [InlineData(1, false)] [InlineData(2, false)] [InlineData(-1, false)]
    [InlineData(0, true)] [InlineData(1, true)] [InlineData(2, true)] [InlineData(-3, true)]
    public void ReduceAlongEachAxisMatchesTheReference(int axis, bool keepDims)
    {
        int[] dims = [2, 3, 4];
        int a = axis < 0 ? axis + 3 : axis;
        var x = Uniform(24, 7 + a);
        var g = new Graph();
        var p = g.Placeholder("x", new Shape(-1, 3, 4));
        var feeds = new FeedDict { [p] = Tensor.FromArray(x, dims) };
        var expectedDims = keepDims ? dims.Select((d, i) => i == a ? 1 : d).ToArray() : dims.Where((_, i) => i != a).ToArray();
        foreach (bool mean in new[] { false, true })
        {
            var node = mean ? Ops.ReduceMean(p, axis, keepDims) : Ops.ReduceSum(p, axis, keepDims);
            var result = Run(node, feeds);
            Assert.Equal(expectedDims, result.Shape.ToArray());
            Assert.Equal(expectedDims.Select(d => d == 2 && a != 0 ? -1 : d).ToArray(), node.Shape.ToArray());
            Close(NaiveOps.ReduceAxis(NaiveOps.ToDouble(x), dims, a, mean), result.ToFloatArray());
        }
    }

    [Fact]
    public void ReducingAnEmptyAxisGivesZeroSumsAndNaNMeans()
    {
        var g = new Graph();
        var p = g.Placeholder("x", new Shape(2, -1));
        var feeds = new FeedDict { [p] = Tensor.FromArray(Array.Empty<float>(), 2, 0) };
        Assert.Equal(new[] { 0f, 0f }, Run(Ops.ReduceSum(p, 1), feeds).ToFloatArray());
        Assert.All(Run(Ops.ReduceMean(p, 1), feeds).ToFloatArray(), v => Assert.True(float.IsNaN(v)));
        Assert.Empty(Run(Ops.ReduceSum(p, 0), feeds).ToFloatArray());
    }
}
