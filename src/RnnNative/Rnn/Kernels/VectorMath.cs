using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnNative.Kernels;

/// <summary>Activation functions on a vector of floats at a time, written with FMA so every lane rounds the same way
/// at every vector width.</summary>
internal static class VectorMath
{
    // tanh as Eigen's rational minimax approximation x·p(x²)/q(x²) on [-c, c]: measured max error 2.6e-7
    // (about 2 ulp near ±1), accurate relative to |tanh| near 0, |tanh| < 1 everywhere. No exp, one division.
    // The polynomials are evaluated in Estrin's scheme (powers x², x⁴, x⁸ in parallel with the pair sums):
    // the dependency chain is ~half of Horner's, which is what limits a row pass over only ~20 vectors.
    private const float TanhClamp = 7.90531110763549805f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Tanh<TV>(TV x) where TV : struct, IFloatVector<TV>
    {
        x = TV.Min(TV.Max(x, TV.Create(-TanhClamp)), TV.Create(TanhClamp));
        var x2 = x * x;
        var x4 = x2 * x2;
        // p = a1 + a3·x² + a5·x⁴ + a7·x⁶ + a9·x⁸ + a11·x¹⁰ + a13·x¹²
        var p01 = Fma(x2, TV.Create(6.37261928875436e-04f), TV.Create(4.89352455891786e-03f));
        var p23 = Fma(x2, TV.Create(5.12229709037114e-08f), TV.Create(1.48572235717979e-05f));
        var p45 = Fma(x2, TV.Create(2.00018790482477e-13f), TV.Create(-8.60467152213735e-11f));
        var p46 = Fma(x4, TV.Create(-2.76076847742355e-16f), p45);
        var p = Fma(x4 * x4, p46, Fma(x4, p23, p01));
        // q = b0 + b2·x² + b4·x⁴ + b6·x⁶
        var q01 = Fma(x2, TV.Create(2.26843463243900e-03f), TV.Create(4.89352518554385e-03f));
        var q23 = Fma(x2, TV.Create(1.19825839466702e-06f), TV.Create(1.18534705686654e-04f));
        var q = Fma(x4, q23, q01);
        return x * p / q;
    }

    /// <summary>σ(x) = ½ + ½·tanh(x/2): absolute error below 2e-7, never outside [0, 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sigmoid<TV>(TV x) where TV : struct, IFloatVector<TV>
    {
        var half = TV.Create(0.5f);
        return Fma(half, Tanh(half * x), half);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Fma<TV>(TV a, TV b, TV c) where TV : struct, IFloatVector<TV> => TV.Fma(a, b, c);

    /// <summary>1 − y², the derivative of tanh written in terms of its output y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV TanhDerivative<TV>(TV y) where TV : struct, IFloatVector<TV> => Fma(-y, y, TV.Create(1f));

    /// <summary>y·(1 − y), the derivative of σ written in terms of its output y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV SigmoidDerivative<TV>(TV y) where TV : struct, IFloatVector<TV> => Fma(-y, y, y);

    /// <summary><see cref="Tanh{TV}"/> on eight floats.</summary>
    public static Vector256<float> Tanh(Vector256<float> x) => Tanh(new Float8(x)).Value;

    /// <summary><see cref="Sigmoid{TV}"/> on eight floats.</summary>
    public static Vector256<float> Sigmoid(Vector256<float> x) => Sigmoid(new Float8(x)).Value;
}

/// <summary>An activation of the basic RNN cell, with its derivative in terms of its output.</summary>
internal interface IActivation
{
    static abstract TV Apply<TV>(TV x) where TV : struct, IFloatVector<TV>;
    static abstract TV Derivative<TV>(TV y) where TV : struct, IFloatVector<TV>;
}

internal readonly struct TanhActivation : IActivation
{
    public static TV Apply<TV>(TV x) where TV : struct, IFloatVector<TV> => VectorMath.Tanh(x);
    public static TV Derivative<TV>(TV y) where TV : struct, IFloatVector<TV> => VectorMath.TanhDerivative(y);
}

internal readonly struct ReluActivation : IActivation
{
    public static TV Apply<TV>(TV x) where TV : struct, IFloatVector<TV> => TV.Max(x, TV.Create(0f));
    // TF's ReluGrad: gradient passes where the output is > 0.
    public static TV Derivative<TV>(TV y) where TV : struct, IFloatVector<TV> =>
        TV.GreaterThan(y, TV.Create(0f)) & TV.Create(1f);
}
