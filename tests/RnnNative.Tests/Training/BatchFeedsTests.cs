using RnnNative.Training;

namespace RnnNative.Tests.Training;

public class BatchFeedsTests
{
    [Fact]
    public void BuffersAreMadeOncePerBatchSizeAndFedInPlace()
    {
        var g = new Graph(1);
        var x = g.Placeholder("x", new Shape(-1, 3, 2));
        var ids = g.Placeholder("ids", new Shape(-1, -1), DType.Int32);
        var flag = g.Placeholder("flag", new Shape());
        var sum = Ops.ReduceSum(x);
        var feeds = new BatchFeeds().Add(x).Add(ids, 4);
        var one = Tensor.Scalar(1f);
        feeds.SetFixed(flag, one);

        var five = feeds.For(5);
        Assert.Same(five, feeds.For(5));
        Assert.NotSame(five, feeds.For(2));
        Assert.Equal(5 * 3 * 2, five.Floats(x).Length);
        Assert.Equal(5 * 4, five.Ints(ids).Length);
        Assert.Equal([5, 3, 2], five.Feeds[x].Shape.Dims.ToArray());
        Assert.Same(one, five.Feeds[flag]);
        var zero = Tensor.Scalar(0f);
        feeds.SetFixed(flag, zero);
        Assert.Same(zero, feeds.For(2).Feeds[flag]);
        Assert.Same(zero, feeds.For(3).Feeds[flag]);

        using var session = new Session(g);
        for (int round = 1; round <= 2; round++)
        {
            Array.Fill(five.Floats(x), round);
            Assert.Equal(30f * round, session.Run(sum, five.Feeds)!.ToScalar());
        }
    }

    [Fact]
    public void MisuseIsNamed()
    {
        var g = new Graph(1);
        var x = g.Placeholder("x", new Shape(-1, 3));
        var open = g.Placeholder("open", new Shape(-1, -1));
        var labels = g.Placeholder("labels", new Shape(-1), DType.Int32);
        var feeds = new BatchFeeds().Add(x).Add(labels);
        Assert.Contains("'x' is declared twice", Assert.Throws<ArgumentException>(() => feeds.Add(x)).Message);
        Assert.Contains("give its example dims", Assert.Throws<ArgumentException>(() => new BatchFeeds().Add(open)).Message);
        var batch = feeds.For(2);
        Assert.Contains("'labels' is fed int32 values", Assert.Throws<InvalidOperationException>(() => batch.Floats(labels)).Message);
        Assert.Contains("'open' is not declared", Assert.Throws<ArgumentException>(() => batch.Floats(open)).Message);
        Assert.Throws<InvalidOperationException>(() => feeds.Add(open, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => feeds.For(0));
    }
}
