namespace RnnNative.Benchmarking;

/// <summary>The benchmark's own check failed: the backend's gradients differ from the managed reference.</summary>
public sealed class BenchmarkCheckException(string message) : Exception(message);

/// <summary>
/// Compares the gradients of one training step on a session under test with those of a reference session
/// (managed GEMM, one thread) that ran the same step from the same weights.
/// </summary>
/// <remarks>
/// Error of a variable = max |g − g_ref| ÷ max |g_ref| over its elements. Rounding differences between GEMM
/// implementations and summation orders give ~1e-6 for the reference model (28 steps of BPTT in float); a GEMM
/// that is wrong by 0.1% in one call gives ≥ 1e-3. The tolerance sits between, 2e-4.
/// </remarks>
internal static class GradientCheck
{
    public const double Tolerance = 2e-4;

    /// <summary>The largest error over all trained variables; throws when it exceeds <see cref="Tolerance"/>.</summary>
    public static double Verify(Session tested, Session reference, string what)
    {
        double worst = 0;
        foreach (var variable in tested.Parameters.Variables)
        {
            if (!variable.Trainable) continue;
            double error = RelativeError(tested.Parameters.GradientOf(variable), reference.Parameters.GradientOf(variable));
            if (!(error <= Tolerance))
                throw new BenchmarkCheckException(
                    $"{what}: the gradient of {variable.Name} differs from the managed reference by {error:G3} " +
                    $"(relative to its largest element; tolerance {Tolerance:G3}). The timing would not be of a correct step.");
            worst = Math.Max(worst, error);
        }
        return worst;
    }

    /// <summary>max |a − b| ÷ max |b|; NaN anywhere gives NaN; 0 when both are all zeros.</summary>
    internal static double RelativeError(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double difference = 0, scale = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Abs((double)a[i] - b[i]);
            if (double.IsNaN(d)) return double.NaN;
            difference = Math.Max(difference, d);
            scale = Math.Max(scale, Math.Abs(b[i]));
        }
        return difference == 0 ? 0 : difference / scale;
    }
}
