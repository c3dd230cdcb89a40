using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnNative.Kernels;

/// <summary>A vector of floats of one width, so a row kernel is written once for 256- and 512-bit vectors.</summary>
/// <remarks>Only lane-wise operations, each one IEEE rounding per lane (FMA rounds once): a lane's result is the
/// same whatever the width, so the 512-bit pass is bit-identical to the 256-bit one.</remarks>
internal interface IFloatVector<TSelf> where TSelf : struct, IFloatVector<TSelf>
{
    /// <summary>Lanes.</summary>
    static abstract int Count { get; }
    static abstract TSelf Create(float value);
    static abstract TSelf Load(ref float row, nuint column);
    void Store(ref float row, nuint column);
    /// <summary>Stores the lanes rounded to bfloat16 (<see cref="BFloat16.FromFloat"/>).</summary>
    void StoreBf16(ref ushort row, nuint column);
    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, TSelf b);
    static abstract TSelf operator /(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a);
    static abstract TSelf operator &(TSelf a, TSelf b);
    /// <summary>a·b + c, rounded once.</summary>
    static abstract TSelf Fma(TSelf a, TSelf b, TSelf c);
    static abstract TSelf Min(TSelf a, TSelf b);
    static abstract TSelf Max(TSelf a, TSelf b);
    /// <summary>All-ones lanes where a &gt; b, else zero.</summary>
    static abstract TSelf GreaterThan(TSelf a, TSelf b);
}

/// <summary>Eight floats (<see cref="Vector256{T}"/>).</summary>
internal readonly struct Float8(Vector256<float> value) : IFloatVector<Float8>
{
    public readonly Vector256<float> Value = value;

    public static int Count => Vector256<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float8 Create(float value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float8 Load(ref float row, nuint column) => new(Vector256.LoadUnsafe(ref row, column));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(ref float row, nuint column) => Value.StoreUnsafe(ref row, column);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void StoreBf16(ref ushort row, nuint column) => BFloat16.FromFloats(Value).StoreUnsafe(ref row, column);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float8 operator +(Float8 a, Float8 b) => new(a.Value + b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float8 operator -(Float8 a, Float8 b) => new(a.Value - b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float8 operator *(Float8 a, Float8 b) => new(a.Value * b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float8 operator /(Float8 a, Float8 b) => new(a.Value / b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float8 operator -(Float8 a) => new(-a.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float8 operator &(Float8 a, Float8 b) => new(a.Value & b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float8 Fma(Float8 a, Float8 b, Float8 c) => new(Vector256.FusedMultiplyAdd(a.Value, b.Value, c.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float8 Min(Float8 a, Float8 b) => new(Vector256.Min(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float8 Max(Float8 a, Float8 b) => new(Vector256.Max(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float8 GreaterThan(Float8 a, Float8 b) => new(Vector256.GreaterThan(a.Value, b.Value));
}

/// <summary>Sixteen floats (<see cref="Vector512{T}"/>).</summary>
internal readonly struct Float16(Vector512<float> value) : IFloatVector<Float16>
{
    public readonly Vector512<float> Value = value;

    public static int Count => Vector512<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float16 Create(float value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float16 Load(ref float row, nuint column) => new(Vector512.LoadUnsafe(ref row, column));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(ref float row, nuint column) => Value.StoreUnsafe(ref row, column);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void StoreBf16(ref ushort row, nuint column) => BFloat16.FromFloats(Value).StoreUnsafe(ref row, column);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float16 operator +(Float16 a, Float16 b) => new(a.Value + b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float16 operator -(Float16 a, Float16 b) => new(a.Value - b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float16 operator *(Float16 a, Float16 b) => new(a.Value * b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float16 operator /(Float16 a, Float16 b) => new(a.Value / b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float16 operator -(Float16 a) => new(-a.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float16 operator &(Float16 a, Float16 b) => new(a.Value & b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float16 Fma(Float16 a, Float16 b, Float16 c) => new(Vector512.FusedMultiplyAdd(a.Value, b.Value, c.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float16 Min(Float16 a, Float16 b) => new(Vector512.Min(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float16 Max(Float16 a, Float16 b) => new(Vector512.Max(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Float16 GreaterThan(Float16 a, Float16 b) => new(Vector512.GreaterThan(a.Value, b.Value));
}
