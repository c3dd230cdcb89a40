namespace RnnNative;

/// <summary>How a variable's initial value is made (TensorFlow's initialisers).</summary>
public abstract class Initializer
{
    internal abstract void Fill(Span<float> values, ReadOnlySpan<int> dims, ulong seed);

    /// <summary>All zeros.</summary>
    public static Initializer Zeros { get; } = new ConstantInit(0f);

    /// <summary>All ones.</summary>
    public static Initializer Ones { get; } = new ConstantInit(1f);

    /// <summary>Every element <paramref name="value"/>.</summary>
    public static Initializer Constant(float value) => new ConstantInit(value);

    /// <summary>Normal(mean, stddev).</summary>
    public static Initializer RandomNormal(float mean = 0f, float stddev = 1f) => new NormalInit(mean, stddev, truncated: false);

    /// <summary>Normal(mean, stddev) redrawn outside two standard deviations (<c>tf.truncated_normal</c>).</summary>
    public static Initializer TruncatedNormal(float mean = 0f, float stddev = 1f) => new NormalInit(mean, stddev, truncated: true);

    /// <summary>Uniform in [min, max).</summary>
    public static Initializer RandomUniform(float min = 0f, float max = 1f) => new UniformInit(min, max);

    /// <summary>Glorot (Xavier) uniform, TensorFlow's default for dense and RNN kernels.</summary>
    /// <remarks>U(−l, l) with l = sqrt(6 / (fan_in + fan_out)); fan_in = product of all but the last dim, fan_out = the last dim.</remarks>
    public static Initializer GlorotUniform() => new GlorotInit();

    private sealed class ConstantInit(float value) : Initializer
    {
        internal override void Fill(Span<float> values, ReadOnlySpan<int> dims, ulong seed) => values.Fill(value);
    }

    private sealed class NormalInit(float mean, float stddev, bool truncated) : Initializer
    {
        internal override void Fill(Span<float> values, ReadOnlySpan<int> dims, ulong seed)
        {
            var rng = new SplitMix64(seed);
            for (int i = 0; i < values.Length; i++)
            {
                double z = rng.NextNormal();
                while (truncated && Math.Abs(z) > 2.0) z = rng.NextNormal();
                values[i] = (float)(mean + stddev * z);
            }
        }
    }

    private sealed class UniformInit(float min, float max) : Initializer
    {
        internal override void Fill(Span<float> values, ReadOnlySpan<int> dims, ulong seed)
        {
            var rng = new SplitMix64(seed);
            for (int i = 0; i < values.Length; i++) values[i] = (float)(min + (max - min) * rng.NextDouble());
        }
    }

    private sealed class GlorotInit : Initializer
    {
        internal override void Fill(Span<float> values, ReadOnlySpan<int> dims, ulong seed)
        {
            int fanOut = dims.Length == 0 ? 1 : dims[^1];
            int fanIn = dims.Length < 2 ? fanOut : values.Length / Math.Max(fanOut, 1);
            float limit = (float)Math.Sqrt(6.0 / (fanIn + fanOut));
            new UniformInit(-limit, limit).Fill(values, dims, seed);
        }
    }
}
