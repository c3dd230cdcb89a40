using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnNative;

/// <summary>Plain gradient descent: θ ← θ − lr·g.</summary>
public sealed class GradientDescentOptimizer(float learningRate) : Optimizer(learningRate)
{
    internal override int SlotCount => 0;
    internal override void Update(Span<float> theta, ReadOnlySpan<float> g, Span<float> slot0, Span<float> slot1, float lr, long step) =>
        TensorPrimitives.MultiplyAdd(g, -lr, theta, theta);
}

/// <summary>Momentum (TF1 <c>MomentumOptimizer</c>).</summary>
/// <remarks>a ← μ·a + g; θ ← θ − lr·a, or with Nesterov θ ← θ − lr·(g + μ·a).</remarks>
public sealed class MomentumOptimizer(float learningRate, float momentum, bool useNesterov = false) : Optimizer(learningRate)
{
    /// <summary>μ.</summary>
    public float Momentum { get; } = momentum;
    /// <summary>Whether to use the Nesterov update.</summary>
    public bool UseNesterov { get; } = useNesterov;
    internal override int SlotCount => 1;

    internal override void Update(Span<float> theta, ReadOnlySpan<float> g, Span<float> accum, Span<float> slot1, float lr, long step)
    {
        for (int i = 0; i < theta.Length; i++)
        {
            float a = Momentum * accum[i] + g[i];
            accum[i] = a;
            theta[i] -= UseNesterov ? lr * (g[i] + Momentum * a) : lr * a;
        }
    }
}

/// <summary>RMSProp (TF1 <c>RMSPropOptimizer</c>).</summary>
/// <remarks>
/// ms ← ρ·ms + (1−ρ)·g²; mom ← μ·mom + lr·g/√(ms + ε); θ ← θ − mom. TF's defaults: ρ=0.9, μ=0, ε=1e-10;
/// as in TF1 (not Keras), ms starts at 1, so the first steps are smaller than lr·sign(g).
/// </remarks>
public sealed class RmsPropOptimizer(float learningRate, float decay = 0.9f, float momentum = 0f, float epsilon = 1e-10f) : Optimizer(learningRate)
{
    /// <summary>ρ.</summary>
    public float Decay { get; } = decay;
    /// <summary>μ.</summary>
    public float Momentum { get; } = momentum;
    /// <summary>ε.</summary>
    public float Epsilon { get; } = epsilon;
    internal override int SlotCount => 2;
    internal override float InitialSlotValue(int slot) => slot == 0 ? 1f : 0f;

    internal override void Update(Span<float> theta, ReadOnlySpan<float> g, Span<float> ms, Span<float> mom, float lr, long step)
    {
        for (int i = 0; i < theta.Length; i++)
        {
            float m = Decay * ms[i] + (1 - Decay) * g[i] * g[i];
            ms[i] = m;
            float v = Momentum * mom[i] + lr * g[i] / MathF.Sqrt(m + Epsilon);
            mom[i] = v;
            theta[i] -= v;
        }
    }
}

/// <summary>Adam with TensorFlow 1.x's exact update (<c>tf.train.AdamOptimizer</c>).</summary>
/// <remarks>
/// m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; lr_t = lr·√(1−β₂ᵗ)/(1−β₁ᵗ); θ ← θ − lr_t·m/(√v + ε), ε = 1e-8.
/// One fused vector pass (Vector512 where accelerated, then Vector256, then scalar) over each contiguous run of the parameter slab.
/// </remarks>
public sealed class AdamOptimizer(float learningRate = 0.001f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f) : Optimizer(learningRate)
{
    /// <summary>β₁.</summary>
    public float Beta1 { get; } = beta1;
    /// <summary>β₂.</summary>
    public float Beta2 { get; } = beta2;
    /// <summary>ε.</summary>
    public float Epsilon { get; } = epsilon;
    internal override int SlotCount => 2;

    internal override void Update(Span<float> theta, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float lr, long step)
    {
        float lrT = (float)(lr * Math.Sqrt(1 - Math.Pow(Beta2, step)) / (1 - Math.Pow(Beta1, step)));
        Step(theta, g, m, v, lrT, Beta1, Beta2, Epsilon);
    }

    internal static void Step(Span<float> theta, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float lrT, float beta1, float beta2, float epsilon)
    {
        if (theta.Length > g.Length || theta.Length > m.Length || theta.Length > v.Length)
            throw new ArgumentException($"Adam: θ has {theta.Length} floats, g {g.Length}, m {m.Length}, v {v.Length}.");
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            i = Step512(theta, g, m, v, lrT, beta1, beta2, epsilon);
        if (Vector256.IsHardwareAccelerated)
            i = Step256(theta, g, m, v, lrT, beta1, beta2, epsilon, i);
        for (; i < theta.Length; i++)
        {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            theta[i] -= lrT * m[i] / (MathF.Sqrt(v[i]) + epsilon);
        }
    }

    // The vector passes compute every lane with the scalar loop's operations in the same order (no contraction
    // into FMA), so θ, m and v are bit-identical whichever width ran them. Each returns the first index it left.
    internal static int Step512(Span<float> theta, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float lrT, float beta1, float beta2, float epsilon)
    {
        var b1 = Vector512.Create(beta1); var c1 = Vector512.Create(1 - beta1);
        var b2 = Vector512.Create(beta2); var c2 = Vector512.Create(1 - beta2);
        var lr = Vector512.Create(lrT); var eps = Vector512.Create(epsilon);
        ref float t0 = ref MemoryMarshal.GetReference(theta);
        ref float g0 = ref MemoryMarshal.GetReference(g);
        ref float m0 = ref MemoryMarshal.GetReference(m);
        ref float v0 = ref MemoryMarshal.GetReference(v);
        int i = 0;
        for (; i <= theta.Length - Vector512<float>.Count; i += Vector512<float>.Count)
        {
            var gi = Vector512.LoadUnsafe(ref g0, (nuint)i);
            var mi = b1 * Vector512.LoadUnsafe(ref m0, (nuint)i) + c1 * gi;
            var vi = b2 * Vector512.LoadUnsafe(ref v0, (nuint)i) + c2 * gi * gi;
            mi.StoreUnsafe(ref m0, (nuint)i);
            vi.StoreUnsafe(ref v0, (nuint)i);
            var ti = Vector512.LoadUnsafe(ref t0, (nuint)i) - lr * mi / (Vector512.Sqrt(vi) + eps);
            ti.StoreUnsafe(ref t0, (nuint)i);
        }
        return i;
    }

    internal static int Step256(Span<float> theta, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float lrT, float beta1, float beta2, float epsilon, int i)
    {
        var b1 = Vector256.Create(beta1); var c1 = Vector256.Create(1 - beta1);
        var b2 = Vector256.Create(beta2); var c2 = Vector256.Create(1 - beta2);
        var lr = Vector256.Create(lrT); var eps = Vector256.Create(epsilon);
        ref float t0 = ref MemoryMarshal.GetReference(theta);
        ref float g0 = ref MemoryMarshal.GetReference(g);
        ref float m0 = ref MemoryMarshal.GetReference(m);
        ref float v0 = ref MemoryMarshal.GetReference(v);
        for (; i <= theta.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var gi = Vector256.LoadUnsafe(ref g0, (nuint)i);
            var mi = b1 * Vector256.LoadUnsafe(ref m0, (nuint)i) + c1 * gi;
            var vi = b2 * Vector256.LoadUnsafe(ref v0, (nuint)i) + c2 * gi * gi;
            mi.StoreUnsafe(ref m0, (nuint)i);
            vi.StoreUnsafe(ref v0, (nuint)i);
            var ti = Vector256.LoadUnsafe(ref t0, (nuint)i) - lr * mi / (Vector256.Sqrt(vi) + eps);
            ti.StoreUnsafe(ref t0, (nuint)i);
        }
        return i;
    }
}
