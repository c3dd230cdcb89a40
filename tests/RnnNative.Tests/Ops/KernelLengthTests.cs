using static RnnNative.Tests.OpTestKit;

namespace RnnNative.Tests;

/// <summary>The vectorised elementwise kernels at every length 0..257 (vector bodies and every tail) against scalar code.</summary>
public class KernelLengthTests
{
    private const int MaxLength = 257;

    [Theory]
    [InlineData("Tanh")]
    [InlineData("Sigmoid")]
    [InlineData("Relu")]
    public void ActivationGradientAtEveryLength(string activation)
    {
        var kind = Enum.Parse<UnaryKind>(activation);
        for (int n = 0; n <= MaxLength; n++)
        {
            var x = Uniform(n + 1, n, -3, 3);
            var y = kind switch
            {
                UnaryKind.Tanh => x.Select(v => (float)Math.Tanh(v)).ToArray(),
                UnaryKind.Sigmoid => x.Select(v => (float)(1 / (1 + Math.Exp(-v)))).ToArray(),
                _ => x.Select(v => Math.Max(v, 0f)).ToArray(),
            };
            var dy = Uniform(n + 1, 1000 + n);
            var dx = Enumerable.Repeat(float.NaN, n + 1).ToArray(); // the element past n must stay untouched
            ActivationGradOp.Apply(kind, y.AsSpan(0, n), dy.AsSpan(0, n), dx.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                double expected = kind switch
                {
                    UnaryKind.Tanh => dy[i] * (1.0 - (double)y[i] * y[i]),
                    UnaryKind.Sigmoid => dy[i] * (double)y[i] * (1.0 - y[i]),
                    _ => y[i] > 0 ? dy[i] : 0.0,
                };
                Assert.True(Math.Abs(expected - dx[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"{kind} n={n} i={i}: {expected} vs {dx[i]}");
            }
            Assert.True(float.IsNaN(dx[n]), $"{kind} n={n} wrote past the end");
        }
    }

    [Fact]
    public void AdamStepAtEveryLengthMatchesScalarTf1Update()
    {
        const float lrT = 0.01f, beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;
        for (int n = 0; n <= MaxLength; n++)
        {
            float[] theta = Uniform(n + 1, n), g = Uniform(n + 1, 300 + n), m = Uniform(n + 1, 600 + n, -0.1, 0.1),
                v = Uniform(n + 1, 900 + n, 0, 0.1);
            float[] theta0 = (float[])theta.Clone(), m0 = (float[])m.Clone(), v0 = (float[])v.Clone();
            AdamOptimizer.Step(theta.AsSpan(0, n), g.AsSpan(0, n), m.AsSpan(0, n), v.AsSpan(0, n), lrT, beta1, beta2, epsilon);
            for (int i = 0; i < n; i++)
            {
                double mi = beta1 * (double)m0[i] + (1 - beta1) * (double)g[i];
                double vi = beta2 * (double)v0[i] + (1 - beta2) * (double)g[i] * g[i];
                double ti = theta0[i] - lrT * mi / (Math.Sqrt(vi) + epsilon);
                Assert.True(Math.Abs(mi - m[i]) <= 1e-6 && Math.Abs(vi - v[i]) <= 1e-6 * Math.Max(1, vi) && Math.Abs(ti - theta[i]) <= 1e-5,
                    $"n={n} i={i}: θ {ti} vs {theta[i]}, m {mi} vs {m[i]}, v {vi} vs {v[i]}");
            }
            Assert.Equal((theta0[n], m0[n], v0[n]), (theta[n], m[n], v[n])); // past the end: untouched
        }
    }
}
