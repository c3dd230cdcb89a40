namespace RnnNative.Tests;

/// <summary>
/// Adam's fused pass at every length 0..257 equals a plain scalar loop of the TF1 update bit for bit, whichever
/// vector width runs it (the vector lanes do the scalar loop's operations in the same order, without FMA
/// contraction); Vector512 runs in software where the CPU lacks it, so the 512-bit pass is tested everywhere.
/// </summary>
public class AdamKernelTests
{
    private const float Lr = 0.01f, Beta1 = 0.9f, Beta2 = 0.999f, Eps = 1e-8f;

    public static TheoryData<string> Paths => ["dispatch", "512", "256"];

    [Theory]
    [MemberData(nameof(Paths))]
    public void EveryLengthEqualsTheScalarUpdateBitForBit(string path)
    {
        var random = new Random(23);
        for (int n = 0; n <= 257; n++)
        {
            float[] Rand(float scale, bool positive = false) =>
                Enumerable.Range(0, n).Select(_ => (float)(positive ? random.NextDouble() : random.NextDouble() * 2 - 1) * scale).ToArray();
            float[] theta = Rand(1), g = Rand(0.5f), m = Rand(0.1f), v = Rand(0.01f, positive: true);
            float[] theta2 = (float[])theta.Clone(), m2 = (float[])m.Clone(), v2 = (float[])v.Clone();
            int done = path switch
            {
                "512" => AdamOptimizer.Step512(theta, g, m, v, Lr, Beta1, Beta2, Eps),
                "256" => AdamOptimizer.Step256(theta, g, m, v, Lr, Beta1, Beta2, Eps, 0),
                _ => Run(theta, g, m, v),
            };
            Scalar(theta2, g, m2, v2, from: 0, to: done); // the reference for what the vector pass did...
            Scalar(theta, g, m, v, from: done, to: n);     // ...and the scalar tail on the kernel's arrays
            Scalar(theta2, g, m2, v2, from: done, to: n);
            Assert.Equal(theta2, theta);
            Assert.Equal(m2, m);
            Assert.Equal(v2, v);
        }
    }

    private static int Run(float[] theta, float[] g, float[] m, float[] v)
    {
        AdamOptimizer.Step(theta, g, m, v, Lr, Beta1, Beta2, Eps);
        return theta.Length;
    }

    // m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − lr·m/(√v + ε), one float at a time.
    private static void Scalar(float[] theta, float[] g, float[] m, float[] v, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            m[i] = Beta1 * m[i] + (1 - Beta1) * g[i];
            v[i] = Beta2 * v[i] + (1 - Beta2) * g[i] * g[i];
            theta[i] -= Lr * m[i] / (MathF.Sqrt(v[i]) + Eps);
        }
    }
}
