using RnnNative.Tests.Reference;
using static RnnNative.Tests.OpTestKit;

namespace RnnNative.Tests;

/// <summary>Softmax, Transpose, losses, ArgMax, Equal, Where, EmbeddingLookup, Cast against <see cref="NaiveOps"/>.</summary>
public class IndexingForwardTests
{
    [Fact]
    public void SoftmaxMatchesTheReferenceAlongTheLastAxis()
    {
        var x = Uniform(2 * 3 * 5, 11, -3, 3);
        var g = new Graph();
        var p = g.Placeholder("x", new Shape(-1, 3, 5));
        var result = Run(Ops.Softmax(p), new FeedDict { [p] = Tensor.FromArray(x, 2, 3, 5) });
        Assert.Equal(new[] { 2, 3, 5 }, result.Shape.ToArray());
        Close(NaiveOps.Softmax(NaiveOps.ToDouble(x), 5), result.ToFloatArray(), 2e-6);
    }

    [Fact]
    public void SoftmaxOfHugeLogitsEqualsSoftmaxOfShiftedOnes()
    {
        var x = Uniform(12, 12, -3, 3);
        var g = new Graph();
        var small = Ops.Softmax(g.Constant(Tensor.FromArray(x, 3, 4)));
        var huge = Ops.Softmax(g.Constant(Tensor.FromArray(x.Select(v => v + 1000f).ToArray(), 3, 4)));
        var hugeValues = Run(huge).ToFloatArray();
        Assert.All(hugeValues, v => Assert.True(float.IsFinite(v)));
        Close(NaiveOps.ToDouble(Run(small).ToFloatArray()), hugeValues, 1e-4); // x + 1000 rounds x to ~6e-5
    }

    public static TheoryData<int[], int[]> Permutations => new()
    {
        { [3, 4], [1, 0] }, { [3, 4], [0, 1] }, { [5], [0] },
        { [2, 3, 4], [0, 2, 1] }, { [2, 3, 4], [1, 0, 2] }, { [2, 3, 4], [1, 2, 0] },
        { [2, 3, 4], [2, 0, 1] }, { [2, 3, 4], [2, 1, 0] }, { [2, 3, 4, 5], [3, 1, 0, 2] }, { [2, 3, 4, 5], [0, 2, 3, 1] },
    };

    [Theory]
    [MemberData(nameof(Permutations))]
    public void TransposeMatchesTheReference(int[] dims, int[] perm)
    {
        var x = Uniform(Count(dims), 13);
        var g = new Graph();
        var result = Run(Ops.Transpose(g.Constant(Tensor.FromArray(x, dims)), perm));
        Assert.Equal(perm.Select(p => dims[p]).ToArray(), result.Shape.ToArray());
        Close(NaiveOps.Transpose(NaiveOps.ToDouble(x), dims, perm), result.ToFloatArray(), 0);
    }

    [Fact]
    public void TransposeOfInt32AndDefaultPermutationReverseTheAxes()
    {
        var g = new Graph();
        var ints = g.Constant(Tensor.FromArray(new[] { 1, 2, 3, 4, 5, 6 }, 2, 3));
        var result = Run(Ops.Transpose(ints));
        Assert.Equal(DType.Int32, result.DType);
        Assert.Equal(new[] { 1, 4, 2, 5, 3, 6 }, result.ToInt32Array());
    }

    [Fact]
    public void MeanSquaredErrorMatchesTheReference()
    {
        float[] labels = Uniform(12, 14), predictions = Uniform(12, 15);
        var g = new Graph();
        var loss = Ops.MeanSquaredError(g.Constant(Tensor.FromArray(labels, 4, 3)), g.Constant(Tensor.FromArray(predictions, 4, 3)));
        Close(NaiveOps.MeanSquaredError(NaiveOps.ToDouble(labels), NaiveOps.ToDouble(predictions)), Run(loss).ToScalar());
    }

    [Theory]
    [InlineData(0)] [InlineData(1)] [InlineData(2)]
    public void ArgMaxMatchesTheReferenceAndPicksTheFirstOfTies(int axis)
    {
        int[] dims = [3, 4, 2];
        // Few distinct values: many ties.
        var x = Uniform(24, 16, 0, 3).Select(v => MathF.Floor(v)).ToArray();
        var g = new Graph();
        var floats = Run(Ops.ArgMax(g.Constant(Tensor.FromArray(x, dims)), axis));
        var ints = Run(Ops.ArgMax(g.Constant(Tensor.FromArray(x.Select(v => (int)v).ToArray(), dims)), axis));
        var expected = NaiveOps.ArgMax(NaiveOps.ToDouble(x), dims, axis);
        Assert.Equal(DType.Int32, floats.DType);
        Assert.Equal(dims.Where((_, i) => i != axis).ToArray(), floats.Shape.ToArray());
        Assert.Equal(expected, floats.ToInt32Array());
        Assert.Equal(expected, ints.ToInt32Array());
    }

    [Fact]
    public void EqualComparesFloatsAndIntsWithBroadcasting()
    {
        var g = new Graph();
        var a = g.Constant(Tensor.FromArray(new[] { 1f, 2f, 3f, 4f, 2f, 6f }, 2, 3));
        var row = g.Constant(Tensor.FromArray(new[] { 1f, 2f, 6f }, 3));
        var ints = g.Constant(Tensor.FromArray(new[] { 5, 7, 5, 1 }, 4));
        var result = Run(Ops.Equal(row, a));
        Assert.Equal(DType.Bool, result.DType);
        Assert.Equal(new[] { 2, 3 }, result.Shape.ToArray());
        Assert.Equal(new[] { 1f, 1f, 0f, 0f, 1f, 1f }, result.ToFloatArray());
        Assert.Equal(new[] { 1f, 0f, 1f, 0f }, Run(Ops.Equal(ints, g.Constant(Tensor.FromArray(new[] { 5 })))).ToFloatArray());
    }

    [Fact]
    public void AccuracyFromArgMaxEqualAndCastMatchesTheReference()
    {
        var scores = Uniform(6 * 4, 17);
        int[] labels = [0, 3, 1, 1, 2, 0];
        var g = new Graph();
        var predicted = Ops.ArgMax(g.Constant(Tensor.FromArray(scores, 6, 4)), 1);
        var accuracy = Ops.ReduceMean(Ops.Cast(Ops.Equal(predicted, g.Constant(Tensor.From(labels))), DType.Float32));
        var argmax = NaiveOps.ArgMax(NaiveOps.ToDouble(scores), [6, 4], 1);
        double expected = argmax.Zip(labels).Count(p => p.First == p.Second) / 6.0;
        Close(expected, Run(accuracy).ToScalar());
        var inTopK = NaiveOps.InTopK(NaiveOps.ToDouble(scores), 4, labels, 1).Select(b => b ? 1.0 : 0.0).ToArray();
        Close(inTopK, Run(Ops.InTopK(g.Constant(Tensor.FromArray(scores, 6, 4)), g.Constant(Tensor.From(labels)), 1)).ToFloatArray(), 0);
    }

    [Fact]
    public void WherePicksXWhereTheConditionHolds()
    {
        var g = new Graph();
        var condition = Ops.Cast(g.Constant(Tensor.FromArray(new[] { 0f, 2f, 0f, -1f }, 2, 2)), DType.Bool);
        var x = g.Constant(Tensor.FromArray(new[] { 1f, 2f, 3f, 4f }, 2, 2));
        var y = g.Constant(Tensor.FromArray(new[] { 10f, 20f, 30f, 40f }, 2, 2));
        Assert.Equal(new[] { 10f, 2f, 30f, 4f }, Run(Ops.Where(condition, x, y)).ToFloatArray());
    }

    [Fact]
    public void EmbeddingLookupGathersRowsForIdsOfAnyRank()
    {
        var table = Uniform(5 * 3, 18);
        int[] ids = [4, 0, 4, 2, 1, 3];
        var g = new Graph();
        var p = g.Placeholder("ids", new Shape(-1, 3), DType.Int32);
        var lookup = Ops.EmbeddingLookup(g.Constant(Tensor.FromArray(table, 5, 3)), p);
        var result = Run(lookup, new FeedDict { [p] = Tensor.FromArray(ids, 2, 3) });
        Assert.Equal(new[] { -1, 3, 3 }, lookup.Shape.ToArray());
        Assert.Equal(new[] { 2, 3, 3 }, result.Shape.ToArray());
        Close(NaiveOps.EmbeddingLookup(NaiveOps.ToDouble(table), 3, ids), result.ToFloatArray(), 0);
    }

    [Fact]
    public void SparseSoftmaxCrossEntropyMatchesTheReference()
    {
        var logits = Uniform(5 * 4, 19, -3, 3);
        int[] labels = [3, 0, 1, 1, 2];
        var g = new Graph();
        var loss = Ops.SparseSoftmaxCrossEntropyWithLogits(g.Constant(Tensor.From(labels)), g.Constant(Tensor.FromArray(logits, 5, 4)));
        Close(NaiveOps.SparseSoftmaxCrossEntropy(NaiveOps.ToDouble(logits), 4, labels), Run(loss).ToFloatArray());
    }

    [Fact]
    public void CastConvertsBetweenFloatIntAndBool()
    {
        var g = new Graph();
        var f = g.Constant(Tensor.FromArray(new[] { -1.7f, 0f, 0.4f, 2.9f }, 4));
        var i = g.Constant(Tensor.FromArray(new[] { -2, 0, 3, 0 }, 4));
        Assert.Equal(new[] { -1, 0, 0, 2 }, Run(Ops.Cast(f, DType.Int32)).ToInt32Array());
        Assert.Equal(new[] { 1f, 0f, 1f, 1f }, Run(Ops.Cast(f, DType.Bool)).ToFloatArray());
        Assert.Equal(new[] { 1f, 0f, 1f, 0f }, Run(Ops.Cast(i, DType.Bool)).ToFloatArray());
        Assert.Equal(new[] { -2f, 0f, 3f, 0f }, Run(Ops.Cast(i, DType.Float32)).ToFloatArray());
        Assert.Equal(new[] { 1, 0, 1, 1 }, Run(Ops.Cast(Ops.Cast(f, DType.Bool), DType.Int32)).ToInt32Array());
    }

    [Fact]
    public void StopGradientIsTheIdentityForward()
    {
        var x = Uniform(6, 20);
        var g = new Graph();
        Assert.Equal(x, Run(Ops.StopGradient(g.Constant(Tensor.FromArray(x, 2, 3)))).ToFloatArray());
    }
}
