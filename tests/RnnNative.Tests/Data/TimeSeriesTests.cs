using RnnNative.Data;

namespace RnnNative.Tests.Data;

public sealed class TimeSeriesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void WindowsHaveTargetsShiftedByOneStep()
    {
        float[] v = Enumerable.Range(0, 10).Select(i => i * 1.5f).ToArray();
        var series = new TimeSeriesDataset(v, steps: 4, stride: 2);
        Assert.Equal(3, series.Count); // starts 0, 2, 4; start 6 would need v[10]
        var (x, y) = series.ToArrays();
        for (int n = 0; n < 3; n++)
            for (int t = 0; t < 4; t++)
            {
                Assert.Equal(v[2 * n + t], x[n * 4 + t]);
                Assert.Equal(v[2 * n + t + 1], y[n * 4 + t]);
            }
        Assert.Equal(7, new TimeSeriesDataset(v, steps: 3).Count);
        Assert.Throws<ArgumentException>(() => new TimeSeriesDataset(v, steps: 10));
    }

    [Fact]
    public void LoadsAColumnByNameIndexOrDefaultAndGz()
    {
        const string text = "t,value,other\n0,1,9\n1,2,8\n2,4,7\n3,8,6\n";
        string path = _temp.Write("s.csv", DataFiles.Utf8(text));
        string gz = _temp.Write("s.bin", DataFiles.Gzip(DataFiles.Utf8(text)));
        Assert.Equal(new float[] { 1, 2, 4, 8 }, CsvDataset.LoadSeries(path, 2, column: "value").Values);
        Assert.Equal(new float[] { 9, 8, 7, 6 }, CsvDataset.LoadSeries(gz, 2).Values);
        Assert.Equal(new float[] { 0, 1, 2, 3 }, CsvDataset.LoadSeries(path, 3, columnIndex: 0).Values);
        var e = Assert.Throws<DataFormatException>(() => CsvDataset.LoadSeries(path, 4));
        Assert.Contains("the series has 4 values; a window of 4 steps and its shifted target need 5", e.Message);
        string bad = _temp.Write("bad.csv", DataFiles.Utf8("value\n1\n2\nthree\n"));
        Assert.Contains("line 4, column 1 ('value'): 'three' is not a number",
            Assert.Throws<DataFormatException>(() => CsvDataset.LoadSeries(bad, 1)).Message);
    }

    [Fact]
    public void ShippedSeriesIsTheLectureFunction()
    {
        var series = CsvDataset.LoadSeries(Path.Combine(RepoPaths.Root, "data", "series.csv"), steps: 20, column: "value");
        Assert.Equal(301, series.Values.Length);
        Assert.Equal(281, series.Count);
        for (int i = 0; i < 301; i += 7)
        {
            double t = i * 0.1;
            Assert.Equal(t * Math.Sin(t) / 3 + 2 * Math.Sin(5 * t), series.Values[i], 5e-6);
        }
    }

    [Fact]
    public void ChronologicalSplitKeepsTheTailForTesting()
    {
        float[] v = Enumerable.Range(0, 100).Select(i => (float)i).ToArray();
        var (train, test) = new TimeSeriesDataset(v, steps: 5).SplitChronological(0.2);
        Assert.Equal(Enumerable.Range(0, 80).Select(i => (float)i), train.Values);
        Assert.Equal(Enumerable.Range(80, 20).Select(i => (float)i), test.Values);
        Assert.Equal((75, 15), (train.Count, test.Count));
    }

    // Brute force over every window start s of the full series: which side of the block [a, a+m) it is on.
    private static (int[] Train, int[] Test) ExpectedBlockSplit(int length, int steps, int stride, int a, int m)
    {
        var all = Enumerable.Range(0, (length - steps - 1) / stride + 1).Select(n => n * stride).ToArray();
        bool Uses(int s, int i) => i >= s && i <= s + steps; // inputs s..s+T-1, targets s+1..s+T
        var train = all.Where(s => Enumerable.Range(a, m).All(i => !Uses(s, i))).ToArray();
        var test = all.Where(s => Enumerable.Range(s, steps + 1).All(i => i >= a && i < a + m)).ToArray();
        return (train, test);
    }

    private static int[] Starts(TimeSeriesDataset set) => Enumerable.Range(0, set.Count).Select(set.WindowStart).ToArray();

    [Theory]
    [InlineData(100, 5, 1, 40, 20)]  // centred 20 %: both sides train
    [InlineData(100, 5, 1, 0, 20)]   // block at the start: training only after it
    [InlineData(100, 5, 1, 80, 20)]  // block at the end: the chronological split's windows
    [InlineData(100, 5, 1, 3, 30)]   // 3 values before the block: too few for a window there
    [InlineData(301, 20, 1, 120, 60)] // rnn forecast's default on data/series.csv
    [InlineData(90, 4, 3, 31, 17)]   // stride 3, block off the stride grid
    public void BlockSplitTrainsOutsideTheBlockAndTestsInside(int length, int steps, int stride, int a, int m)
    {
        float[] v = Enumerable.Range(0, length).Select(i => (float)i).ToArray(); // value = its index
        var (train, test) = new TimeSeriesDataset(v, steps, stride).SplitBlock(a, m);
        var (expectedTrain, expectedTest) = ExpectedBlockSplit(length, steps, stride, a, m);
        Assert.Equal(expectedTrain, Starts(train));
        Assert.Equal(expectedTest, Starts(test));

        // Every value a window reads, as input or target, checked through the materialised arrays.
        var (x, y) = train.ToArrays();
        Assert.All(x.Concat(y), value => Assert.True(value < a || value >= a + m, $"training value {value} is in the block"));
        (x, y) = test.ToArrays();
        Assert.All(x.Concat(y), value => Assert.InRange(value, a, a + m - 1));
        for (int n = 0; n < test.Count; n++)
            for (int t = 0; t < steps; t++)
                Assert.Equal((test.WindowStart(n) + t, test.WindowStart(n) + t + 1), ((int)x[n * steps + t], (int)y[n * steps + t]));
        Assert.Same(v, train.Values);
    }

    [Fact]
    public void BlockSplitCountsFollowTheFormula()
    {
        // Stride 1, both sides >= T+1: |Test| = m - T, |Train| = L - m - 2T.
        var (train, test) = CsvDataset.LoadSeries(Path.Combine(RepoPaths.Root, "data", "series.csv"), steps: 20).SplitBlock(120, 60);
        Assert.Equal((301 - 60 - 40, 60 - 20), (train.Count, test.Count));
        Assert.Equal((0, 99, 180, 280), (train.WindowStart(0), train.WindowStart(99), train.WindowStart(100), train.WindowStart(train.Count - 1)));
        Assert.Equal((120, 159), (test.WindowStart(0), test.WindowStart(test.Count - 1)));
    }

    [Fact]
    public void BlockSplitRejectsBlocksWithoutWindows()
    {
        var series = new TimeSeriesDataset(Enumerable.Range(0, 30).Select(i => (float)i).ToArray(), steps: 5);
        Assert.Contains("holds no window of 5 steps and its shifted target (needs 6)",
            Assert.Throws<ArgumentException>(() => series.SplitBlock(10, 5)).Message);
        Assert.Contains("leaves no training window of 5 steps and its shifted target outside the block (needs 6 values on one side; 5 before, 5 after)",
            Assert.Throws<ArgumentException>(() => series.SplitBlock(5, 20)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => series.SplitBlock(-1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => series.SplitBlock(25, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => series.SplitBlock(3, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => series.SplitBlock(0, 10).Train.WindowStart(30));
        Assert.Throws<InvalidOperationException>(() => series.SplitBlock(0, 10).Train.SplitChronological(0.2));
    }
}
