using RnnNative.Data;

namespace RnnNative.Tests.Data;

public sealed class BatcherTests
{
    [Fact]
    public void SplitMix64MatchesTheReferenceSequence()
    {
        // Reference outputs of Vigna's splitmix64.c for seed 1234567.
        var rng = new SplitMix64(1234567);
        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        Assert.Equal(expected, expected.Select(_ => rng.Next()).ToArray());
    }

    [Fact]
    public void NextBelowIsInRangeAndRoughlyUniform()
    {
        var rng = new SplitMix64(7);
        var counts = new int[10];
        for (int i = 0; i < 100_000; i++) counts[rng.NextBelow(10)]++;
        Assert.All(counts, c => Assert.InRange(c, 9_400, 10_600)); // ±6 sigma for Binomial(1e5, 0.1)
    }

    [Theory]
    [InlineData(10, 3, false, 4)]
    [InlineData(10, 3, true, 3)]
    [InlineData(9, 3, true, 3)]
    [InlineData(2, 5, false, 1)]
    [InlineData(2, 5, true, 0)]
    [InlineData(0, 5, false, 0)]
    public void EachIndexOncePerEpoch(int count, int batchSize, bool dropLast, int batches)
    {
        var batcher = new Batcher(count, batchSize, seed: 3, dropLast: dropLast);
        Assert.Equal(batches, batcher.BatchesPerEpoch);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            batcher.BeginEpoch(epoch);
            var seen = new List<int>();
            for (int b = 0; b < batcher.BatchesPerEpoch; b++)
            {
                var indices = batcher.BatchIndices(b);
                Assert.True(indices.Length == batchSize || (!dropLast && b == batches - 1), "only a kept last batch is short");
                seen.AddRange(indices.ToArray());
            }
            Assert.Equal(seen.Count, seen.Distinct().Count());
            Assert.Equal(dropLast ? batches * batchSize : count, seen.Count);
            Assert.All(seen, i => Assert.InRange(i, 0, count - 1));
            Assert.Equal(Enumerable.Range(0, count), batcher.Order.ToArray().Order());
        }
    }

    [Fact]
    public void OrderDependsOnlyOnSeedAndEpoch()
    {
        var a = new Batcher(1000, 32, seed: 42);
        var b = new Batcher(1000, 32, seed: 42);
        var c = new Batcher(1000, 32, seed: 43);
        a.BeginEpoch(0);
        int[] epoch0 = a.Order.ToArray();
        a.BeginEpoch(1);
        int[] epoch1 = a.Order.ToArray();
        Assert.NotEqual(epoch0, epoch1);
        Assert.NotEqual(Enumerable.Range(0, 1000), epoch0);
        b.BeginEpoch(1);
        Assert.Equal(epoch1, b.Order.ToArray()); // resuming at epoch 1 gives epoch 1's order
        b.BeginEpoch(0);
        Assert.Equal(epoch0, b.Order.ToArray());
        c.BeginEpoch(0);
        Assert.NotEqual(epoch0, c.Order.ToArray());
        var ordered = new Batcher(5, 2, seed: 42, shuffle: false);
        ordered.BeginEpoch(4);
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, ordered.Order.ToArray());
    }

    [Fact]
    public void FillCopiesSamplesWithoutAllocating()
    {
        // 5 samples of T=2, I=3; feature value encodes (sample, step, input).
        var features = new float[5 * 6];
        for (int k = 0; k < features.Length; k++) features[k] = k;
        var set = new Dataset(features, [4, 3, 2, 1, 0], steps: 2, inputs: 3, lengths: [1, 2, 2, 1, 2]);
        var batcher = new Batcher(5, 2, seed: 9);
        var x = new float[2 * 6];
        var y = new int[2];
        var lengths = new int[2];
        batcher.BeginEpoch(1);
        batcher.Fill(set, 0, x, y, lengths); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int epoch = 0; epoch < 3; epoch++)
        {
            batcher.BeginEpoch(epoch);
            for (int b = 0; b < batcher.BatchesPerEpoch; b++) batcher.Fill(set, b, x, y, lengths);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        for (int b = 0; b < batcher.BatchesPerEpoch; b++)
        {
            int size = batcher.Fill(set, b, x, y, lengths);
            int[] indices = batcher.BatchIndices(b).ToArray();
            for (int k = 0; k < size; k++)
            {
                int n = indices[k];
                for (int j = 0; j < 6; j++) Assert.Equal(n * 6 + j, x[k * 6 + j]);
                Assert.Equal(4 - n, y[k]);
                Assert.Equal(set.Lengths![n], lengths[k]);
            }
        }
        Assert.Throws<ArgumentException>(() => batcher.Fill(set, 0, new float[5], y));
        Assert.Throws<ArgumentException>(() => new Batcher(4, 2, 1).Fill(set, 0, x, y));
    }

    [Fact]
    public void FillTimeSeriesWindows()
    {
        var series = new TimeSeriesDataset(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), steps: 3);
        var batcher = new Batcher(series.Count, 4, seed: 5, dropLast: true);
        var x = new float[4 * 3];
        var y = new float[4 * 3];
        Assert.Equal(4, batcher.Fill(series, 1, x, y));
        var indices = batcher.BatchIndices(1);
        for (int k = 0; k < 4; k++)
            for (int t = 0; t < 3; t++)
                Assert.Equal((x[k * 3 + t], y[k * 3 + t]), ((float)indices[k] + t, (float)indices[k] + t + 1));
    }

    [Fact]
    public void SplitIsSeededDisjointAndComplete()
    {
        var features = Enumerable.Range(0, 100 * 2).Select(i => (float)i).ToArray();
        var labels = Enumerable.Range(0, 100).Select(i => i % 7).ToArray();
        var set = new Dataset(features, labels, steps: 1, inputs: 2);
        var (train, validation) = set.Split(0.25, seed: 11);
        var (train2, validation2) = set.Split(0.25, seed: 11);
        Assert.Equal((75, 25, 7, 7), (train.Count, validation.Count, train.Classes, validation.Classes));
        Assert.Equal(train.Features, train2.Features);
        Assert.Equal(validation.Labels, validation2.Labels);
        // Each sample appears once overall, with its own label.
        var ids = train.Features.Where((_, k) => k % 2 == 0).Concat(validation.Features.Where((_, k) => k % 2 == 0)).Select(f => (int)f / 2).ToArray();
        Assert.Equal(Enumerable.Range(0, 100), ids.Order());
        var trainIds = train.Features.Where((_, k) => k % 2 == 0).Select(f => (int)f / 2).ToArray();
        Assert.Equal(trainIds.Select(i => i % 7), train.Labels);
        Assert.NotEqual(Enumerable.Range(0, 75), trainIds);
        Assert.NotEqual(validation.Labels, set.Split(0.25, seed: 12).Validation.Labels);
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Split(1.0, 1));
    }

    [Fact]
    public void DatasetChecksItsArrays()
    {
        Assert.Throws<ArgumentException>(() => new Dataset(new float[5], [0, 1], 1, 2));
        Assert.Throws<ArgumentException>(() => new Dataset(new float[4], [0, -1], 1, 2));
        Assert.Throws<ArgumentException>(() => new Dataset(new float[4], [0, 3], 1, 2, classes: 3));
        Assert.Throws<ArgumentException>(() => new Dataset(new float[4], [0, 1], 2, 1, lengths: [1, 3]));
        Assert.Equal(4, new Dataset(new float[4], [0, 3], 1, 2).Classes);
    }
}
