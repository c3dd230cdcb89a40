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
/// <para>bfloat16 sessions are compared with the managed emulation of the same definition: a different summation
/// order can move a value across a bfloat16 rounding boundary, which changes that operand by one bfloat16 step
/// (2^-8 relative), so their tolerance is that step, <see cref="Bf16Tolerance"/>.</para>
/// </remarks>
internal static class GradientCheck
{
    public const double Tolerance = 2e-4;

    /// <summary>The tolerance for bfloat16 sessions: one bfloat16 step, 2^-8.</summary>
    public const double Bf16Tolerance = 1.0 / 256;

    /// <summary>The largest error over all trained variables; throws when it exceeds <see cref="Tolerance"/>.</summary>
    public static double Verify(Session tested, Session reference, string what)
    {
        double worst = 0, tolerance = tested.Precision == Precision.BFloat16 ? Bf16Tolerance : Tolerance;
        foreach (var variable in tested.Parameters.Variables)
        {
            if (!variable.Trainable) continue;
            double error = RelativeError(tested.Parameters.GradientOf(variable), reference.Parameters.GradientOf(variable));
            if (!(error <= tolerance))
                throw new BenchmarkCheckException(
                    $"{what}: the gradient of {variable.Name} differs from the managed reference by {error:G3} " +
                    $"(relative to its largest element; tolerance {tolerance:G3}). The timing would not be of a correct step.");
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
