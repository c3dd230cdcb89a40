using static RnnNative.Tests.OpTestKit;

namespace RnnNative.Tests;

/// <summary>Bad input gets an exception that names the problem, at graph build time where the shapes tell, else at run time.</summary>
public class BadInputTests
{
    [Fact]
    public void FeedingTheWrongDtypeNamesThePlaceholderAndBothShapes()
    {
        var g = new Graph();
        var x = g.Placeholder("X", new Shape(-1, 3));
        using var s = new Session(g);
        var e = Assert.Throws<ArgumentException>(() => s.Run(Ops.Square(x), new FeedDict { [x] = Tensor.FromArray(new int[6], 2, 3) }));
        Assert.Contains("'X'", e.Message);
        Assert.Contains("Float32 of shape (?, 3)", e.Message);
        Assert.Contains("Int32 of shape (2, 3)", e.Message);
        e = Assert.Throws<ArgumentException>(() => s.Run(Ops.Square(x), new FeedDict { [x] = Tensor.FromArray(new float[6], 6) }));
        Assert.Contains("shape (6)", e.Message);
    }

    [Fact]
    public void AMissingFeedNamesThePlaceholderAndTheSessionStaysUsable()
    {
        var g = new Graph();
        var x = g.Placeholder("inputs", new Shape(-1, 3));
        var y = Ops.ReduceSum(x);
        using var s = new Session(g);
        var e = Assert.Throws<InvalidOperationException>(() => s.Run(y));
        Assert.Contains("'inputs'", e.Message);
        Assert.Equal(6f, s.Run(y, new FeedDict { [x] = Tensor.FromArray(new[] { 1f, 2f, 3f }, 1, 3) })!.ToScalar());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void ALabelOutsideTheClassesIsNamed(int label)
    {
        var g = new Graph();
        var labels = g.Placeholder("y", new Shape(-1), DType.Int32);
        var loss = Ops.SparseSoftmaxCrossEntropyWithLogits(labels, g.Constant(Tensor.FromArray(new float[6], 2, 3)));
        using var s = new Session(g);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => s.Run(loss, new FeedDict { [labels] = Tensor.From(new[] { 0, label }) }));
        Assert.Contains($"label {label} of example 1 is outside [0, 3)", e.Message);
    }

    [Fact]
    public void AnEmbeddingIdOutOfRangeNamesTheIdAndItsPosition()
    {
        var g = new Graph();
        var table = g.Variable("embeddings", new Shape(4, 2), Initializer.RandomNormal());
        var ids = g.Placeholder("ids", new Shape(-1, 3), DType.Int32);
        var lookup = Ops.EmbeddingLookup(table, ids);
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => s.Run(lookup, new FeedDict { [ids] = Tensor.FromArray(new[] { 0, 1, 2, 3, 9, 1 }, 2, 3) }));
        Assert.Contains("id 9 at position [1, 1]", e.Message);
        Assert.Contains("[0, 4)", e.Message);
    }

    public static TheoryData<string, string> BuildTimeMistakes => new()
    {
        { "Add", "do not broadcast" }, { "MatMul", "inner dimensions differ" }, { "MatMulInt", "needs Float32" },
        { "Transpose", "not a permutation" }, { "TransposeRank5", "rank ≤ 4" }, { "ReduceAxis", "axis 2 is out of range for rank 2" },
        { "MeanSquaredError", "differ in shape" }, { "EmbeddingIds", "must be Int32" }, { "EmbeddingParams", "must be (V, D)" },
        { "Where", "must have one shape" }, { "EqualDtypes", "cast one of them" }, { "Softmax", "rank ≥ 1" },
        { "DropoutKeep", "must be in (0, 1]" }, { "DropoutFlag", "must be a Bool or Float32 scalar" }, { "GradientOfInt", "Cannot differentiate" },
    };

    [Theory]
    [MemberData(nameof(BuildTimeMistakes))]
    public void ShapeAndTypeMistakesThrowWhenTheGraphIsBuiltAndAddNoNode(string mistake, string message)
    {
        var g = new Graph();
        var m23 = g.Placeholder("m23", new Shape(-1, 3));
        var m45 = g.Constant(Tensor.FromArray(new float[20], 4, 5));
        var ints = g.Placeholder("ints", new Shape(-1, 3), DType.Int32);
        var (rank5, vector, scalar, equal45, flag, argmax) = (g.Placeholder("r5", new Shape(1, 1, 1, 1, 1)), Ops.ReduceSum(m45, 0),
            Ops.ReduceSum(m23), Ops.Equal(m45, m45), Ops.TrainingFlag(g), Ops.ArgMax(m23, 1));
        int nodes = g.Nodes.Count;
        Action build = mistake switch
        {
            "Add" => () => Ops.Add(m23, m45),
            "MatMul" => () => Ops.MatMul(m23, m45),
            "MatMulInt" => () => Ops.MatMul(ints, m45, transposeA: true),
            "Transpose" => () => Ops.Transpose(m23, [1, 1]),
            "TransposeRank5" => () => Ops.Transpose(rank5),
            "ReduceAxis" => () => Ops.ReduceSum(m23, 2),
            "MeanSquaredError" => () => Ops.MeanSquaredError(m23, m45),
            "EmbeddingIds" => () => Ops.EmbeddingLookup(m45, m23),
            "EmbeddingParams" => () => Ops.EmbeddingLookup(vector, ints),
            "Where" => () => Ops.Where(equal45, m23, m23),
            "EqualDtypes" => () => Ops.Equal(m23, ints),
            "Softmax" => () => Ops.Softmax(scalar),
            "DropoutKeep" => () => Ops.Dropout(m23, 0f, flag),
            "DropoutFlag" => () => Ops.Dropout(m23, 0.5f, m23),
            _ => () => g.Gradients(argmax, [m23]),
        };
        var e = Assert.ThrowsAny<ArgumentException>(build);
        Assert.Contains(message, e.Message);
        Assert.Equal(nodes, g.Nodes.Count);
    }

    [Fact]
    public void RunTimeShapeMismatchesNameTheOpAndTheShapes()
    {
        var g = new Graph();
        var a = g.Placeholder("a", new Shape(-1, 3));
        var b = g.Placeholder("b", new Shape(-1, -1));
        using var s = new Session(g);
        var feeds = new FeedDict { [a] = Tensor.FromArray(new float[6], 2, 3), [b] = Tensor.FromArray(new float[12], 4, 3) };
        var e = Assert.Throws<ArgumentException>(() => s.Run(Ops.Add(a, b), feeds));
        Assert.Contains("(2, 3) and (4, 3)", e.Message);
        e = Assert.Throws<ArgumentException>(() => s.Run(Ops.MatMul(a, b), feeds));
        Assert.Contains("(2, 3) · (4, 3)", e.Message);
        e = Assert.Throws<ArgumentException>(() => s.Run(Ops.MeanSquaredError(a, b), feeds));
        Assert.Contains("do not broadcast", e.Message);
        e = Assert.Throws<ArgumentException>(() => s.Run(Ops.Reshape(b, new Shape(5, -1)), feeds));
        Assert.Contains("cannot view (4, 3) as", e.Message);
        var targets = g.Placeholder("targets", new Shape(-1), DType.Int32);
        feeds[targets] = Tensor.From(new[] { 0, 1, 2 });
        e = Assert.Throws<ArgumentException>(() => s.Run(Ops.InTopK(a, targets, 1), feeds));
        Assert.Contains("3 targets for 2 rows", e.Message);
        feeds[b] = Tensor.FromArray(new float[0], 0, 3);
        e = Assert.Throws<ArgumentException>(() => s.Run(Ops.ArgMax(b, 0), feeds));
        Assert.Contains("is empty", e.Message);
    }

    [Fact]
    public void UsingAnUninitialisedVariableNamesIt()
    {
        var g = new Graph();
        var w = g.Variable("layer/kernel", new Shape(2, 2));
        var y = Ops.ReduceSum(Ops.Square(w));
        using var s = new Session(g);
        var e = Assert.Throws<InvalidOperationException>(() => s.Run(y));
        Assert.Contains("uninitialized variable layer/kernel", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => s.Read(w));
        Assert.Contains("layer/kernel", e.Message);
        s.Run(g.GlobalVariablesInitializer());
        Assert.True(s.Run(y)!.ToScalar() > 0);
    }

    [Fact]
    public void AssigningTheWrongShapeNamesTheVariable()
    {
        var g = new Graph();
        var w = g.Variable("w", new Shape(2, 2));
        using var s = new Session(g);
        var e = Assert.Throws<ArgumentException>(() => s.Assign(w, Tensor.FromArray(Uniform(3, 1), 3)));
        Assert.Contains("variable w of shape (2, 2)", e.Message);
    }
}
