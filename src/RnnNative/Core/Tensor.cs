namespace RnnNative;

/// <summary>
/// A dense row-major tensor with a concrete shape: float32 (also used for bool as 0/1) or int32 storage.
/// </summary>
/// <remarks>Feeding a tensor to a session does not copy it: the graph reads its storage in place.</remarks>
public sealed class Tensor
{
    private readonly int[] _dims;

    private Tensor(int[] dims, DType dtype, float[]? floats, int[]? ints)
    {
        _dims = dims;
        DType = dtype;
        Floats = floats;
        Ints = ints;
        int count = Shape.Count(dims);
        int length = floats?.Length ?? ints!.Length;
        if (length != count)
            throw new ArgumentException($"A tensor of shape ({Shape.Format(dims)}) needs {count} elements, got {length}.");
    }

    /// <summary>Element type.</summary>
    public DType DType { get; }

    /// <summary>The concrete shape.</summary>
    public Shape Shape => new(_dims);

    /// <summary>Number of elements.</summary>
    public int Length => Floats?.Length ?? Ints!.Length;

    internal ReadOnlySpan<int> Dims => _dims;
    internal float[]? Floats { get; }
    internal int[]? Ints { get; }

    /// <summary>Wraps <paramref name="data"/> (not copied) as a float tensor of the given shape.</summary>
    public static Tensor FromArray(float[] data, params int[] dims) => new((int[])dims.Clone(), DType.Float32, data, null);

    /// <summary>Wraps <paramref name="data"/> (not copied) as an int32 tensor of the given shape.</summary>
    public static Tensor FromArray(int[] data, params int[] dims) => new((int[])dims.Clone(), DType.Int32, null, data);

    /// <summary>A float vector (copied).</summary>
    public static Tensor From(float[] data) => FromArray((float[])data.Clone(), data.Length);

    /// <summary>An int32 vector (copied).</summary>
    public static Tensor From(int[] data) => FromArray((int[])data.Clone(), data.Length);

    /// <summary>A float scalar.</summary>
    public static Tensor Scalar(float value) => new([], DType.Float32, [value], null);

    /// <summary>A float matrix (copied).</summary>
    public static Tensor From(float[,] data) => FromMulti(data, DType.Float32);

    /// <summary>A rank-3 float tensor (copied).</summary>
    public static Tensor From(float[,,] data) => FromMulti(data, DType.Float32);

    /// <summary>An int32 matrix (copied).</summary>
    public static Tensor From(int[,] data) => FromMulti(data, DType.Int32);

    /// <summary>A zero-filled tensor.</summary>
    public static Tensor Zeros(DType dtype, params int[] dims)
    {
        int n = Shape.Count(dims);
        return dtype == DType.Int32 ? new((int[])dims.Clone(), dtype, null, new int[n]) : new((int[])dims.Clone(), dtype, new float[n], null);
    }

    internal static Tensor Wrap(ReadOnlySpan<int> dims, DType dtype, float[]? floats, int[]? ints) => new(dims.ToArray(), dtype, floats, ints);

    private static Tensor FromMulti(Array data, DType dtype)
    {
        var dims = new int[data.Rank];
        for (int i = 0; i < dims.Length; i++) dims[i] = data.GetLength(i);
        if (dtype == DType.Int32)
        {
            var ints = new int[data.Length];
            Buffer.BlockCopy(data, 0, ints, 0, ints.Length * sizeof(int));
            return new(dims, dtype, null, ints);
        }
        var floats = new float[data.Length];
        Buffer.BlockCopy(data, 0, floats, 0, floats.Length * sizeof(float));
        return new(dims, dtype, floats, null);
    }

    /// <summary>The elements as floats, row-major (a copy; int32 values are converted).</summary>
    public float[] ToFloatArray() => Floats is not null ? (float[])Floats.Clone() : Array.ConvertAll(Ints!, i => (float)i);

    /// <summary>The elements as int32, row-major (a copy; requires an int32 tensor).</summary>
    public int[] ToInt32Array() => Ints is not null ? (int[])Ints.Clone()
        : throw new InvalidOperationException($"Tensor is {DType}, not Int32.");

    /// <summary>The single value of a scalar or one-element tensor.</summary>
    public float ToScalar() => Length == 1 ? (Floats is not null ? Floats[0] : Ints![0])
        : throw new InvalidOperationException($"Tensor of shape ({Shape.Format(_dims)}) is not a scalar.");

    /// <summary>A float matrix copy (requires rank 2).</summary>
    public float[,] ToArray2D()
    {
        if (_dims.Length != 2) throw new InvalidOperationException($"Tensor of shape ({Shape.Format(_dims)}) is not rank 2.");
        var result = new float[_dims[0], _dims[1]];
        Buffer.BlockCopy(ToFloatArray(), 0, result, 0, Length * sizeof(float));
        return result;
    }

    /// <summary>A rank-3 float copy (requires rank 3).</summary>
    public float[,,] ToArray3D()
    {
        if (_dims.Length != 3) throw new InvalidOperationException($"Tensor of shape ({Shape.Format(_dims)}) is not rank 3.");
        var result = new float[_dims[0], _dims[1], _dims[2]];
        Buffer.BlockCopy(ToFloatArray(), 0, result, 0, Length * sizeof(float));
        return result;
    }

    /// <summary>The scalar value.</summary>
    public static explicit operator float(Tensor t) => t.ToScalar();

    /// <summary>Type, shape and values: <c>Tensor&lt;Float32&gt;(2, 2) [[1, 2], [3, 4.5]]</c>; a scalar <c>Tensor&lt;Float32&gt;() 0.25</c>;
    /// above 10 elements the first 10 and the count.</summary>
    public override string ToString() => TensorFormat.Format(this);
}
