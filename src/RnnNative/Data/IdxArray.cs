namespace RnnNative.Data;

/// <summary>
/// An IDX array as read from the file: its dimensions, its element type and its elements in row-major order,
/// stored in the matching .NET array (<c>byte[]</c>, <c>sbyte[]</c>, <c>short[]</c>, <c>int[]</c>,
/// <c>float[]</c> or <c>double[]</c>), already converted from big-endian.
/// </summary>
public sealed class IdxArray
{
    /// <summary>Wraps typed storage; <paramref name="data"/> must match <paramref name="type"/> and the dims.</summary>
    public IdxArray(IdxElementType type, int[] dims, Array data)
    {
        ArgumentNullException.ThrowIfNull(dims);
        ArgumentNullException.ThrowIfNull(data);
        if (dims.Length == 0) throw new ArgumentException("An IDX array has at least one dimension.", nameof(dims));
        long count = 1;
        foreach (int d in dims)
        {
            if (d <= 0) throw new ArgumentException($"Dimensions must be positive: [{string.Join(", ", dims)}].", nameof(dims));
            count = checked(count * d);
        }
        if (StorageType(type) != data.GetType())
            throw new ArgumentException($"Element type {type} is stored as {StorageType(type).Name}, not {data.GetType().Name}.", nameof(data));
        if (data.LongLength != count)
            throw new ArgumentException($"Dims [{string.Join(", ", dims)}] hold {count} elements but data has {data.LongLength}.", nameof(data));
        ElementType = type;
        Dims = dims;
        Data = data;
    }

    /// <summary>The element type code of the file.</summary>
    public IdxElementType ElementType { get; }

    /// <summary>The dimensions, outermost first (e.g. [N, rows, cols] for MNIST images).</summary>
    public int[] Dims { get; }

    /// <summary>The elements in row-major order, typed as <see cref="ElementType"/> says.</summary>
    public Array Data { get; }

    /// <summary>Number of elements (product of <see cref="Dims"/>).</summary>
    public int Length => Data.Length;

    /// <summary>Number of dimensions.</summary>
    public int Rank => Dims.Length;

    /// <summary>The elements as floats, each multiplied by <paramref name="scale"/> (e.g. 1/255 for images).</summary>
    /// <remarks>Doubles are rounded to the nearest float; ints beyond 2^24 lose low bits.</remarks>
    public float[] ToSingle(float scale = 1f)
    {
        var result = new float[Length];
        // Switch on the type code, not on `Data is byte[]`: the CLR lets an sbyte[] match byte[].
        switch (ElementType)
        {
            case IdxElementType.UInt8: { var a = (byte[])Data; for (int i = 0; i < a.Length; i++) result[i] = a[i] * scale; break; }
            case IdxElementType.Int8: { var a = (sbyte[])Data; for (int i = 0; i < a.Length; i++) result[i] = a[i] * scale; break; }
            case IdxElementType.Int16: { var a = (short[])Data; for (int i = 0; i < a.Length; i++) result[i] = a[i] * scale; break; }
            case IdxElementType.Int32: { var a = (int[])Data; for (int i = 0; i < a.Length; i++) result[i] = a[i] * scale; break; }
            case IdxElementType.Single: { var a = (float[])Data; for (int i = 0; i < a.Length; i++) result[i] = a[i] * scale; break; }
            default: { var a = (double[])Data; for (int i = 0; i < a.Length; i++) result[i] = (float)(a[i] * scale); break; }
        }
        return result;
    }

    /// <summary>The elements as 32-bit integers (e.g. labels).</summary>
    /// <exception cref="DataFormatException">A float/double element is not an integer in the int32 range.</exception>
    public int[] ToInt32(string? source = null)
    {
        var result = new int[Length];
        switch (ElementType)
        {
            case IdxElementType.UInt8: { var a = (byte[])Data; for (int i = 0; i < a.Length; i++) result[i] = a[i]; break; }
            case IdxElementType.Int8: { var a = (sbyte[])Data; for (int i = 0; i < a.Length; i++) result[i] = a[i]; break; }
            case IdxElementType.Int16: { var a = (short[])Data; for (int i = 0; i < a.Length; i++) result[i] = a[i]; break; }
            case IdxElementType.Int32: Array.Copy((int[])Data, result, Length); break;
            case IdxElementType.Single: { var a = (float[])Data; for (int i = 0; i < a.Length; i++) result[i] = ExactInt(a[i], i, source); break; }
            default: { var a = (double[])Data; for (int i = 0; i < a.Length; i++) result[i] = ExactInt(a[i], i, source); break; }
        }
        return result;
    }

    internal static Type StorageType(IdxElementType type) => type switch
    {
        IdxElementType.UInt8 => typeof(byte[]),
        IdxElementType.Int8 => typeof(sbyte[]),
        IdxElementType.Int16 => typeof(short[]),
        IdxElementType.Int32 => typeof(int[]),
        IdxElementType.Single => typeof(float[]),
        IdxElementType.Double => typeof(double[]),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an IDX element type."),
    };

    private static int ExactInt(double value, int index, string? source)
    {
        if (value != Math.Floor(value) || value < int.MinValue || value > int.MaxValue)
            throw new DataFormatException(source, $"element {index} is {value}, not an integer in the int32 range.");
        return (int)value;
    }
}
