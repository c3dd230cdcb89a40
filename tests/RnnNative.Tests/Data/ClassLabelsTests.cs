using RnnNative.Data;

namespace RnnNative.Tests.Data;

public sealed class ClassLabelsTests
{
    [Fact]
    public void ContiguousLabelsGiveMaxPlusOne()
    {
        Assert.Equal(10, ClassLabels.Count([3, 1, 0, 2, 4, 5, 6, 7, 8, 9, 9], "y"));
        Assert.Equal(1, ClassLabels.Count([0, 0], "y"));
    }

    [Fact]
    public void AStrayLabelBeyondTheClassesIsAnErrorNotAWiderModel()
    {
        int[] labels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 3];
        var e = Assert.Throws<DataFormatException>(() => ClassLabels.Count(labels, "train-labels"));
        Assert.Contains("label 10 is 12", e.Message); // index 10 holds the stray 12
        Assert.Contains("class 10 never occurs", e.Message);
    }

    [Fact]
    public void ATestLabelTheModelCannotProduceIsAnError()
    {
        ClassLabels.CheckWithin([0, 9, 4], 10, "t10k");
        var e = Assert.Throws<DataFormatException>(() => ClassLabels.CheckWithin([0, 10, 4], 10, "t10k"));
        Assert.Contains("label 1 is 10", e.Message);
        Assert.Throws<DataFormatException>(() => ClassLabels.CheckWithin([-1], 10, "t10k"));
    }

    [Fact]
    public void NegativeOrHugeLabelsAndEmptySetsAreErrors()
    {
        Assert.Throws<DataFormatException>(() => ClassLabels.Count([0, -1], "y"));
        Assert.Throws<DataFormatException>(() => ClassLabels.Count([Dataset.MaxClasses], "y"));
        Assert.Throws<DataFormatException>(() => ClassLabels.Count([], "y"));
    }
}
