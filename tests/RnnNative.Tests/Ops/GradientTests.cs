using RnnNative.Tests.Reference;
using static RnnNative.Tests.OpTestKit;

namespace RnnNative.Tests;

/// <summary>Every differentiable op's gradient against central finite differences (<see cref="GradientCheck"/>).</summary>
public class GradientTests
{
    /// <summary>Variables x0, x1, .. with the given values; checks d(build(...))/dxᵢ for all of them.</summary>
    private static void Check(Func<Graph, Variable[], Node> build, params (float[] Values, int[] Dims)[] inputs)
    {
        var g = new Graph(1);
        var vars = inputs.Select((x, i) => g.Variable($"x{i}", new Shape(x.Dims), Initializer.Zeros)).ToArray();
        var y = build(g, vars);
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        for (int i = 0; i < vars.Length; i++) s.Assign(vars[i], Tensor.FromArray(inputs[i].Values, inputs[i].Dims));
        GradientCheck.Assert(g, s, y, vars);
    }

    private static (float[], int[]) In(int[] dims, int seed) => (AwayFromZero(Count(dims), seed, 0.5, 2), dims);

    [Theory]
    [InlineData(false, false)] [InlineData(false, true)] [InlineData(true, false)] [InlineData(true, true)]
    public void MatMul(bool transA, bool transB) =>
        Check((_, x) => Ops.MatMul(x[0], x[1], transA, transB), In(transA ? [4, 3] : [3, 4], 1), In(transB ? [2, 4] : [4, 2], 2));

    [Theory]
    [MemberData(nameof(ArithmeticForwardTests.BroadcastCases), MemberType = typeof(ArithmeticForwardTests))]
    public void BinaryOpsWithBroadcasting(string op, int[] aDims, int[] bDims) =>
        Check((_, x) => ArithmeticForwardTests.Binary(op, x[0], x[1]).Item1, In(aDims, 3), In(bDims, 4));

    [Fact]
    public void BiasAddWithARunTimeBatchReducesOverTheBatch()
    {
        var g = new Graph(1);
        var x = g.Placeholder("x", new Shape(-1, 3));
        var bias = g.Variable("bias", new Shape(3), Initializer.RandomNormal());
        var y = Ops.Multiply(Ops.Add(x, bias), Ops.Add(bias, x)); // fan-out of both, both orders
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        GradientCheck.Assert(g, s, y, [bias, x], new FeedDict { [x] = Tensor.FromArray(Uniform(12, 5), 4, 3) });
    }

    [Theory]
    [MemberData(nameof(ArithmeticForwardTests.UnaryNames), MemberType = typeof(ArithmeticForwardTests))]
    public void UnaryOps(string op) =>
        Check((_, x) => ArithmeticForwardTests.Unary(op, x[0]).Item1, op == "Log" ? (Uniform(10, 6, 0.3, 3), [2, 5]) : In([2, 5], 6));

    [Fact]
    public void ReduceAll() => Check((_, x) => Ops.Add(Ops.ReduceSum(Ops.Square(x[0])), Ops.ReduceMean(Ops.Exp(x[0]))), In([2, 3], 7));

    [Theory]
    [InlineData(0, false)] [InlineData(1, false)] [InlineData(2, false)] [InlineData(1, true)] [InlineData(-1, true)]
    public void ReduceAlongAnAxis(int axis, bool keepDims)
    {
        Check((_, x) => Ops.ReduceSum(Ops.Square(x[0]), axis, keepDims), In([2, 3, 4], 8));
        Check((_, x) => Ops.ReduceMean(Ops.Square(x[0]), axis, keepDims), In([2, 3, 4], 9));
    }

    [Fact]
    public void Softmax() => Check((_, x) => Ops.Softmax(x[0]), (Uniform(15, 10, -2, 2), [3, 5]));

    [Theory]
    [MemberData(nameof(IndexingForwardTests.Permutations), MemberType = typeof(IndexingForwardTests))]
    public void Transpose(int[] dims, int[] perm) => Check((_, x) => Ops.Transpose(Ops.Square(x[0]), perm), In(dims, 11));

    [Fact]
    public void MeanSquaredErrorReachesLabelsAndPredictions() =>
        Check((_, x) => Ops.MeanSquaredError(x[0], x[1]), In([4, 3], 12), In([4, 3], 13));

    [Fact]
    public void SparseSoftmaxCrossEntropy() => Check((g, x) => Ops.SparseSoftmaxCrossEntropyWithLogits(
        g.Constant(Tensor.From(new[] { 2, 0, 1, 2 })), x[0]), (Uniform(12, 14), [4, 3]));

    [Fact]
    public void EmbeddingLookupScatterAddsRepeatedIds() => Check((g, x) => Ops.Tanh(Ops.EmbeddingLookup(
        x[0], g.Constant(Tensor.FromArray(new[] { 3, 1, 3, 0, 3, 1 }, 2, 3)))), In([5, 2], 15));

    [Fact]
    public void WhereRoutesTheGradientToTheChosenSide() => Check((g, x) => Ops.Where(
        Ops.Cast(g.Constant(Tensor.FromArray(new[] { 1, 0, 0, 1, 1, 0 }, 2, 3)), DType.Bool), Ops.Square(x[0]), Ops.Exp(x[1])),
        In([2, 3], 16), In([2, 3], 17));

    [Fact]
    public void ConcatAndSlice() => Check((_, x) => Ops.Slice(Ops.Concat([x[0], Ops.Square(x[1])], axis: 0), 0, 1, 3), In([2, 3], 18), In([2, 3], 19));

    [Fact]
    public void DenseSoftmaxMeanSquaredErrorChain() => Check((g, x) =>
        Ops.MeanSquaredError(g.Constant(Tensor.FromArray(Uniform(8, 20, 0, 0.5), 2, 4)), Ops.Softmax(Ops.Add(Ops.MatMul(x[0], x[1]), x[2]))),
        In([2, 3], 21), In([3, 4], 22), In([4], 23));

    [Fact]
    public void StopGradientCutsItsPathOnly()
    {
        var g = new Graph(1);
        var x = g.Variable("x", new Shape(4), Initializer.RandomNormal());
        var loss = Ops.ReduceSum(Ops.Add(Ops.Square(x), Ops.Multiply(Ops.StopGradient(x), x)));
        var grad = g.Gradients(loss, [x])[0]!;
        Assert.Null(g.Gradients(Ops.ReduceSum(Ops.StopGradient(x)), [x])[0]);
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var xs = s.Read(x).ToFloatArray();
        Close(xs.Select(v => 3.0 * v).ToArray(), s.Run(grad)!.ToFloatArray()); // d(x² + c·x)/dx = 2x + c, c = x
    }

    [Fact]
    public void GradientWithRespectToAPlaceholderAndFanOut()
    {
        var g = new Graph(1);
        var x = g.Placeholder("x", new Shape(-1, 3));
        var y = Ops.Add(Ops.Multiply(Ops.Tanh(x), x), Ops.ReduceSum(Ops.Sigmoid(x), 0));
        using var s = new Session(g);
        GradientCheck.Assert(g, s, y, [x], new FeedDict { [x] = Tensor.FromArray(Uniform(6, 24), 2, 3) });
    }

    [Fact]
    public void MaximumAndMinimumSendTiesToTheFirstInputLikeTf()
    {
        var g = new Graph(1);
        var a = g.Variable("a", new Shape(3), Initializer.Constant(2f));
        var b = g.Variable("b", new Shape(3), Initializer.Constant(2f));
        foreach (var y in new[] { Ops.Maximum(a, b), Ops.Minimum(a, b) })
        {
            var grads = g.Gradients(Ops.ReduceSum(y), [a, b]);
            using var s = new Session(g);
            s.Run(g.GlobalVariablesInitializer());
            Assert.Equal(new[] { 1f, 1f, 1f }, s.Run(grads[0]!)!.ToFloatArray());
            Assert.Equal(new[] { 0f, 0f, 0f }, s.Run(grads[1]!)!.ToFloatArray());
        }
    }
}
