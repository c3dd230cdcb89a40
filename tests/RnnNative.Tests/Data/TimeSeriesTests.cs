using RnnNative.Data;

namespace RnnNative.Tests.Data;

public sealed class TimeSeriesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Windows_have_targets_shifted_by_one_step()
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
    public void Loads_a_column_by_name_index_or_default_and_gz()
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
    public void Shipped_series_is_the_lecture_function()
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
    public void Chronological_split_keeps_the_tail_for_testing()
    {
        float[] v = Enumerable.Range(0, 100).Select(i => (float)i).ToArray();
        var (train, test) = new TimeSeriesDataset(v, steps: 5).SplitChronological(0.2);
        Assert.Equal(Enumerable.Range(0, 80).Select(i => (float)i), train.Values);
        Assert.Equal(Enumerable.Range(80, 20).Select(i => (float)i), test.Values);
        Assert.Equal((75, 15), (train.Count, test.Count));
    }
}
