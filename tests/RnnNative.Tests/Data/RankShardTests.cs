using RnnNative.Data;

namespace RnnNative.Tests.Data;

public sealed class RankShardTests
{
    [Theory]
    [InlineData(1000, 150, 2)]
    [InlineData(1000, 150, 3)]
    [InlineData(64, 16, 4)]
    [InlineData(10, 4, 4)]
    public void RanksTogetherReadTheSingleProcessBatchesInOrder(int count, int batchSize, int ranks)
    {
        var whole = new Batcher(count, batchSize, seed: 7);
        var shards = Enumerable.Range(0, ranks).Select(r => new Batcher(count, batchSize, seed: 7, shard: new RankShard(r, ranks))).ToArray();
        for (int epoch = 0; epoch < 3; epoch++)
        {
            whole.BeginEpoch(epoch);
            foreach (var b in shards) b.BeginEpoch(epoch);
            var seen = new HashSet<int>();
            for (int batch = 0; batch < whole.BatchesPerEpoch; batch++)
            {
                var concatenated = shards.SelectMany(b => b.BatchIndices(batch).ToArray()).ToArray();
                Assert.Equal(whole.BatchIndices(batch).ToArray(), concatenated); // disjoint, complete, same order
                foreach (int i in concatenated) Assert.True(seen.Add(i));
                if (concatenated.Length == batchSize)
                    Assert.All(shards, b => Assert.Equal(batchSize / ranks, b.BatchIndices(batch).Length));
            }
            Assert.Equal(count, seen.Count);
        }
    }

    [Fact]
    public void RankReadsTheRthContiguousSlice()
    {
        var order = Enumerable.Range(100, 12).ToArray();
        Assert.Equal([104, 105, 106, 107], new RankShard(1, 3).Of(order).ToArray());
        Assert.Equal((8, 4), new RankShard(2, 3).Range(12));
        Assert.Equal([100, 101], new RankShard(0, 3).Of(order.AsSpan(0, 7)).ToArray()); // 7 over 3: ⌊r·7/3⌋ = 0, 2, 4, 7
        Assert.Equal([102, 103], new RankShard(1, 3).Of(order.AsSpan(0, 7)).ToArray());
        Assert.Equal([104, 105, 106], new RankShard(2, 3).Of(order.AsSpan(0, 7)).ToArray());
    }

    [Fact]
    public void BatchNotDivisibleByRanksIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => new Batcher(1000, 150, seed: 1, shard: new RankShard(0, 4)));
        Assert.Contains("150 is not divisible by the 4 ranks", e.Message);
        Assert.Equal(50, new RankShard(2, 3).LocalBatchSize(150));
        Assert.Equal(150, new Batcher(1000, 150, seed: 1).LocalBatchSize);
    }

    [Fact]
    public void RankOutsideTheJobIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RankShard(2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RankShard(-1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RankShard(0, 0));
    }

    [Fact]
    public void FillReadsOnlyTheRanksSamples()
    {
        // Sample i has the single feature i and label i % 3.
        var data = new Dataset(Enumerable.Range(0, 20).Select(i => (float)i).ToArray(), Enumerable.Range(0, 20).Select(i => i % 3).ToArray(), 1, 1, classes: 3);
        var whole = new Batcher(20, 8, seed: 5);
        var rank1 = new Batcher(20, 8, seed: 5, shard: new RankShard(1, 2));
        var x = new float[4];
        var y = new int[4];
        Assert.Equal(4, rank1.Fill(data, 0, x, y));
        Assert.Equal(whole.BatchIndices(0)[4..8].ToArray().Select(i => (float)i), x);
        Assert.Equal(x.Select(v => (int)v % 3), y);
    }
}
