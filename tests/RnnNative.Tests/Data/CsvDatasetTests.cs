using RnnNative.Data;

namespace RnnNative.Tests.Data;

public sealed class CsvDatasetTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private const string WithHeader = "a,b,label,c,d\n1,2,0,3,4\n5,6,2,7,8\n";
    private const string NoHeader = "1,2,3,4,0\n5,6,7,8,2\n";

    private Dataset LoadText(string text, CsvOptions options, bool gz = false, string name = "t.csv")
    {
        byte[] bytes = DataFiles.Utf8(text);
        return CsvDataset.Load(_temp.Write(name, gz ? DataFiles.Gzip(bytes) : bytes), options);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void HeaderAndLabelByName(bool gz)
    {
        var set = LoadText(WithHeader, new CsvOptions { LabelName = "label", Scaling = FeatureScaling.None }, gz);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, set.Features);
        Assert.Equal(new[] { 0, 2 }, set.Labels);
        Assert.Equal((2, 2, 2, 3), (set.Count, set.Steps, set.Inputs, set.Classes)); // 4 features: perfect square
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NoHeaderLabelByIndex(bool gz)
    {
        var last = LoadText(NoHeader, new CsvOptions { Scaling = FeatureScaling.None }, gz);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, last.Features);
        Assert.Equal(new[] { 0, 2 }, last.Labels);
        var first = LoadText("3,1.5,2\n1,-4,8e-1\n", new CsvOptions { LabelIndex = 0, HasHeader = false, Scaling = FeatureScaling.None, Steps = 2 });
        Assert.Equal(new float[] { 1.5f, 2, -4, 0.8f }, first.Features);
        Assert.Equal(new[] { 3, 1 }, first.Labels);
        Assert.Equal((2, 1, 4), (first.Steps, first.Inputs, first.Classes));
    }

    [Fact]
    public void FeatureListsScalingAndHeaderDetection()
    {
        var named = LoadText(WithHeader, new CsvOptions { LabelName = "label", FeatureNames = ["d", "a", "c"], Scaling = FeatureScaling.GlobalMax });
        Assert.Equal(new[] { 4 / 8f, 1 / 8f, 3 / 8f, 8 / 8f, 5 / 8f, 7 / 8f }, named.Features);
        Assert.Equal((1, 3), (named.Steps, named.Inputs)); // 3 features: one step
        var byIndex = LoadText(WithHeader, new CsvOptions { LabelIndex = 2, FeatureIndices = [0, -1], Scaling = FeatureScaling.ColumnMax });
        Assert.Equal(new[] { 1 / 5f, 4 / 8f, 1f, 1f }, byIndex.Features);
        Assert.Equal(new[] { 0.2f, 0.125f }, byIndex.FeatureScales);
        var again = LoadText(WithHeader, new CsvOptions { LabelIndex = 2, FeatureIndices = [0, -1], Scales = byIndex.FeatureScales });
        Assert.Equal(byIndex.Features, again.Features);
        var forcedHeader = LoadText("1,2\n3,4\n5,1\n", new CsvOptions { HasHeader = true, Scaling = FeatureScaling.None });
        Assert.Equal(new[] { 4, 1 }, forcedHeader.Labels);
    }

    [Theory]
    [InlineData("1,2,3\n4,5\n", "line 2: ragged row: 2 fields where the first row has 3")]
    [InlineData("1,2,3\n4,5,6,7\n", "line 2: ragged row: 4 fields")]
    [InlineData("1,2,0\n4,x5,1\n", "line 2, column 2: 'x5' is not a number")]
    [InlineData("a,b,y\n1,2,0\n4,,1\n", "line 3, column 2 ('b'): missing value (empty cell)")]
    [InlineData("1,2,0\n4,5,\n", "line 2, column 3: missing label")]
    [InlineData("1,2,0\n4,5,1.5\n", "line 2, column 3: label '1.5' is not an integer")]
    [InlineData("1,2,0\n4,5,-1\n", "line 2, column 3: label -1 is negative")]
    [InlineData("1,2,0\n4,1e39,1\n", "line 2, column 2: '1e39' is not a finite 32-bit number")]
    [InlineData("1,2,0\n4,NaN,1\n", "'NaN' is not a number")]
    [InlineData("1,2,0\n4,\"5\"x,1\n", "line 2: malformed CSV")]
    [InlineData("", "empty CSV")]
    [InlineData("a,b,y\n", "no data rows")]
    [InlineData("a,b,c\n1,2,3\n", "no column named 'label'")]
    public void BadCsvNamesFileLineAndColumn(string text, string problem)
    {
        var options = new CsvOptions { LabelName = text.StartsWith("a,b,c") ? "label" : null };
        foreach (bool gz in new[] { false, true })
        {
            var e = Assert.Throws<DataFormatException>(() => LoadText(text, options, gz, gz ? "bad.csv.gz" : "bad.csv"));
            Assert.Contains(problem, e.Message);
            Assert.StartsWith(Path.Combine(_temp.Path, gz ? "bad.csv.gz" : "bad.csv") + ":", e.Message);
        }
    }

    [Fact]
    public void OptionErrorsAreArgumentErrors()
    {
        Assert.Throws<ArgumentException>(() => LoadText(NoHeader, new CsvOptions { Steps = 3 }));
        Assert.Throws<ArgumentException>(() => LoadText(NoHeader, new CsvOptions { Scales = [1, 2] }));
        Assert.Contains("label -1 is negative", Assert.Throws<DataFormatException>(() => LoadText("1,-1\n", new CsvOptions())).Message);
        Assert.Contains("not below the class limit 3", Assert.Throws<DataFormatException>(() => LoadText("1,3\n", new CsvOptions { Classes = 3 })).Message);
        Assert.Contains("also listed as a feature", Assert.Throws<DataFormatException>(() => LoadText(NoHeader, new CsvOptions { FeatureIndices = [0, 4] })).Message);
        Assert.Contains("has no header", Assert.Throws<DataFormatException>(() => LoadText(NoHeader, new CsvOptions { LabelName = "y" })).Message);
    }

    [Fact]
    public void ShippedDigitsLoadAs1797SamplesOf8x8()
    {
        var digits = CsvDataset.Load(Path.Combine(RepoPaths.Root, "data", "digits.csv.gz"));
        Assert.Equal((1797, 8, 8, 10), (digits.Count, digits.Steps, digits.Inputs, digits.Classes));
        Assert.Equal(1797 * 64, digits.Features.Length);
        Assert.Equal(0f, digits.Features.Min());
        Assert.Equal(1f, digits.Features.Max());
        Assert.All(digits.FeatureScales!, s => Assert.Equal(1f / 16f, s));
        // First row of the file: 0,0,5,13,9,1,0,0,... label 0.
        Assert.Equal(new[] { 0f, 0f, 5 / 16f, 13 / 16f, 9 / 16f, 1 / 16f, 0f, 0f }, digits.Features[..8]);
        Assert.Equal(0, digits.Labels[0]);
        Assert.All(Enumerable.Range(0, 10), c => Assert.InRange(digits.Labels.Count(l => l == c), 174, 183));
    }
}
