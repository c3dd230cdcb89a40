namespace RnnNative.Tests.Core;

public class TensorFormatTests
{
    [Fact]
    public void SmallTensorsShowEveryValueNestedByAxis()
    {
        Assert.Equal("Tensor<Float32>(2, 2) [[1, 2], [3, 4.5]]", Tensor.FromArray([1f, 2f, 3f, 4.5f], 2, 2).ToString());
        Assert.Equal("Tensor<Int32>(3) [7, -1, 0]", Tensor.FromArray([7, -1, 0], 3).ToString());
        Assert.Equal("Tensor<Float32>() 0.1", Tensor.FromArray([0.1f]).ToString());
        Assert.Equal("Tensor<Float32>(1, 2, 1) [[[NaN], [-Infinity]]]", Tensor.FromArray([float.NaN, float.NegativeInfinity], 1, 2, 1).ToString());
        Assert.Equal("Tensor<Float32>(0) []", Tensor.FromArray(Array.Empty<float>(), 0).ToString());
    }

    [Fact]
    public void LargeTensorsShowTheFirstTenValuesAndTheCount()
    {
        var t = Tensor.FromArray(Enumerable.Range(0, 11).Select(i => (float)i).ToArray(), 11);
        Assert.Equal("Tensor<Float32>(11) [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ...] (11 values)", t.ToString());
        var exactlyTen = Tensor.FromArray(Enumerable.Range(0, 10).ToArray(), 2, 5);
        Assert.Equal("Tensor<Int32>(2, 5) [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]", exactlyTen.ToString());
    }
}
