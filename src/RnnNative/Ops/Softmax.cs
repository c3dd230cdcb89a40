using System.Numerics.Tensors;

namespace RnnNative;

/// <summary>Numerically stable softmax of one row.</summary>
public static class Softmax
{
    /// <summary>p = exp(z − m) / Σ exp(z − m), m = max z; also returns log Σ exp(z) = m + log Σ exp(z − m).</summary>
    public static void Row(ReadOnlySpan<float> z, Span<float> p, out float logSumExp)
    {
        float max = TensorPrimitives.Max(z);
        TensorPrimitives.Subtract(z, max, p);
        TensorPrimitives.Exp(p, p);
        float sum = TensorPrimitives.Sum(p);
        TensorPrimitives.Divide(p, sum, p);
        logSumExp = max + MathF.Log(sum);
    }
}
