using RnnNative.Data;

namespace RnnNative.Tests.Data;

/// <summary>Max-scaling where 1/max does not fit a float.</summary>
public sealed class CsvScalingTests
{
    [Theory]
    [InlineData("1e-45,0\n0,1\n")]             // smallest subnormal
    [InlineData("2e-39,0\n-1e-39,1\n")]       // just below 1/float.MaxValue (~2.94e-39)
    public void ColumnsTooSmallToScaleAreRefused(string csv)
    {
        var e = Assert.Throws<DataFormatException>(() => CsvDataset.Load(new MemoryStream(DataFiles.Utf8(csv)), "tiny.csv"));
        Assert.Contains("too small to scale", e.Message);
    }

    [Fact]
    public void SmallButScalableColumnsScaleToOne()
    {
        var data = CsvDataset.Load(new MemoryStream(DataFiles.Utf8("3e-38,0\n-1.5e-38,1\n")), "small.csv");
        Assert.All(data.Features, f => Assert.True(float.IsFinite(f)));
        Assert.Equal(1f, data.Features[0], 1e-6f);
        Assert.Equal(-0.5f, data.Features[1], 1e-6f);
    }
}
