using RnnNative.Data;

namespace RnnNative.Tests.Data;

public sealed class MnistDatasetTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // 3 images of 2x4 pixels with known values, labels 2, 0, 1.
    private static readonly double[] Pixels = Enumerable.Range(0, 24).Select(i => (double)(i * 11 % 256)).ToArray();

    private void WritePair(string prefix, string sep, bool gz, double[]? labels = null, int images = 3)
    {
        byte[] img = DataFiles.Idx(IdxElementType.UInt8, [images, 2, 4], Pixels[..(images * 8)]);
        byte[] lab = DataFiles.Idx(IdxElementType.UInt8, [(labels ?? [2, 0, 1]).Length], labels ?? [2, 0, 1]);
        string ext = gz ? ".gz" : "";
        _temp.Write($"{prefix}-images{sep}idx3-ubyte{ext}", gz ? DataFiles.Gzip(img) : img);
        _temp.Write($"{prefix}-labels{sep}idx1-ubyte{ext}", gz ? DataFiles.Gzip(lab) : lab);
    }

    [Theory]
    [InlineData("train", "-", false)]
    [InlineData("train", ".", true)]
    [InlineData("t10k", "-", true)]
    [InlineData("t10k", ".", false)]
    public void LoadsAFolderScaledToUnitRange(string prefix, string sep, bool gz)
    {
        WritePair(prefix, sep, gz);
        var mnist = MnistDataset.Load(_temp.Path, train: prefix == "train");
        Assert.Equal((3, 2, 4, 3), (mnist.Count, mnist.Rows, mnist.Cols, mnist.Classes));
        Assert.Equal(new[] { 2, 0, 1 }, mnist.Labels);
        Assert.Equal(Pixels.Select(p => (float)(p / 255.0)).ToArray(), mnist.Images, new FloatTolerance(1e-7f));

        var set = mnist.AsDataset(classes: 10);
        Assert.Equal((3, 2, 4, 10), (set.Count, set.Steps, set.Inputs, set.Classes));
        Assert.Same(mnist.Images, set.Features);
    }

    [Fact]
    public void MissingFileListsTheNamesTried()
    {
        WritePair("train", "-", false);
        var e = Assert.Throws<FileNotFoundException>(() => MnistDataset.Load(_temp.Path, train: false));
        Assert.Contains("t10k-images-idx3-ubyte.gz", e.Message);
        Assert.Throws<DirectoryNotFoundException>(() => MnistDataset.Load(Path.Combine(_temp.Path, "nope"), true));
    }

    [Fact]
    public void LabelCountMustMatchImageCount()
    {
        WritePair("train", "-", false, labels: [1, 2]);
        var e = Assert.Throws<DataFormatException>(() => MnistDataset.Load(_temp.Path, train: true));
        Assert.Contains("2 labels for the 3 images", e.Message);
    }

    [Fact]
    public void NegativeLabelsAndWrongShapesAreRejected()
    {
        var images = IdxReader.Read(new MemoryStream(DataFiles.Idx(IdxElementType.UInt8, [2, 1, 1], [0, 1])));
        var negative = IdxReader.Read(new MemoryStream(DataFiles.Idx(IdxElementType.Int8, [2], [1, -3])));
        Assert.Contains("label 1 is -3", Assert.Throws<DataFormatException>(() => MnistDataset.FromArrays(images, "i", negative, "l")).Message);
        var flat = IdxReader.Read(new MemoryStream(DataFiles.Idx(IdxElementType.UInt8, [2], [0, 1])));
        Assert.Contains("must be ubyte [N, rows, cols]", Assert.Throws<DataFormatException>(() => MnistDataset.FromArrays(flat, "i", flat, "l")).Message);
        var floatLabels = IdxReader.Read(new MemoryStream(DataFiles.Idx(IdxElementType.Single, [2], [0, 1])));
        Assert.Contains("labels must be integers", Assert.Throws<DataFormatException>(() => MnistDataset.FromArrays(images, "i", floatLabels, "l")).Message);
    }

    [Fact]
    public void FashionMnistLoadsWhenFetched()
    {
        string folder = Path.Combine(RepoPaths.Root, "data", "fashion-mnist");
        if (!File.Exists(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"))) return; // fetched by `build.ps1 data`; nothing to check without it
        var test = MnistDataset.Load(folder, train: false);
        Assert.Equal((10_000, 28, 28, 10), (test.Count, test.Rows, test.Cols, test.Classes));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, test.Labels.Count(l => l == c)));
        Assert.InRange(test.Images.Average(), 0.2f, 0.4f); // Fashion-MNIST mean pixel is ~0.286
        Assert.Equal(0f, test.Images.Min());
        Assert.Equal(1f, test.Images.Max());
        var train = MnistDataset.Load(folder, train: true);
        Assert.Equal((60_000, 28, 28, 10), (train.Count, train.Rows, train.Cols, train.Classes));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6000, train.Labels.Count(l => l == c)));
    }
}
