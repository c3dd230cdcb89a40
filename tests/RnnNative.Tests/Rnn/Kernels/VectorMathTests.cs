using System.Runtime.Intrinsics;
using RnnNative.Kernels;

namespace RnnNative.Tests.RnnKernels;

/// <summary>The vector activations against double-precision <see cref="Math"/>.</summary>
public class VectorMathTests
{
    [Fact]
    public void TanhAndSigmoidAreAccurateOverTheWholeRange()
    {
        double worstTanh = 0, worstTanhRelative = 0, worstSigmoid = 0;
        for (float x = -20f; x <= 20f; x += 1e-3f)
        {
            var v = Vector256.Create(x, -x, x * 1e-3f, -x * 1e-5f, x * 0.37f, x + 0.1f, x * 2, x * 0.5f);
            var t = VectorMath.Tanh(v);
            var s = VectorMath.Sigmoid(v);
            for (int lane = 0; lane < 8; lane++)
            {
                double input = v[lane], exactTanh = Math.Tanh(input);
                worstTanh = Math.Max(worstTanh, Math.Abs(t[lane] - exactTanh));
                if (Math.Abs(input) < 0.5 && input != 0)
                    worstTanhRelative = Math.Max(worstTanhRelative, Math.Abs(t[lane] - exactTanh) / Math.Abs(exactTanh));
                worstSigmoid = Math.Max(worstSigmoid, Math.Abs(s[lane] - NaiveMath.Sigmoid(input)));
                Assert.InRange(t[lane], -1f, 1f);
                Assert.InRange(s[lane], 0f, 1f);
            }
        }
        Assert.True(worstTanh < 3e-7, $"tanh absolute error {worstTanh}");
        Assert.True(worstTanhRelative < 3e-7, $"tanh relative error near 0: {worstTanhRelative}");
        Assert.True(worstSigmoid < 2e-7, $"sigmoid absolute error {worstSigmoid}");
    }

    [Fact]
    public void ActivationsSaturateAtInfinities()
    {
        var v = Vector256.Create(float.PositiveInfinity, float.NegativeInfinity, 1e30f, -1e30f, 0f, -0f, 50f, -50f);
        var t = VectorMath.Tanh(v);
        var s = VectorMath.Sigmoid(v);
        float[] tanhExpected = [1, -1, 1, -1, 0, 0, 1, -1], sigmoidExpected = [1, 0, 1, 0, 0.5f, 0.5f, 1, 0];
        for (int lane = 0; lane < 8; lane++)
        {
            Assert.Equal(tanhExpected[lane], t[lane], 1e-6f);
            Assert.Equal(sigmoidExpected[lane], s[lane], 1e-6f);
        }
    }
}
