namespace RnnNative;

/// <summary>A tensor shape; -1 marks a dimension known only when the graph runs (e.g. the batch size).</summary>
public sealed class Shape : IEquatable<Shape>
{
    private readonly int[] _dims;

    /// <summary>Creates a shape from its dimensions (each ≥ 0, or -1 for "any").</summary>
    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        foreach (int d in dims)
            if (d < -1) throw new ArgumentException($"Shape dimension {d} is invalid in ({string.Join(", ", dims)}).");
        _dims = (int[])dims.Clone();
    }

    /// <summary>The scalar shape ().</summary>
    public static Shape Scalar { get; } = new();

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dims.Length;

    /// <summary>Dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis] => _dims[axis < 0 ? axis + _dims.Length : axis];

    /// <summary>True when no dimension is -1.</summary>
    public bool IsFullyDefined => Array.IndexOf(_dims, -1) < 0;

    /// <summary>Product of the dimensions (requires a fully defined shape).</summary>
    public int ElementCount => Count(_dims);

    /// <summary>A copy of the dimensions.</summary>
    public int[] ToArray() => (int[])_dims.Clone();

    internal ReadOnlySpan<int> Dims => _dims;

    /// <summary>True when <paramref name="concrete"/> has this rank and agrees on every known dimension.</summary>
    public bool IsCompatibleWith(ReadOnlySpan<int> concrete)
    {
        if (concrete.Length != _dims.Length) return false;
        for (int i = 0; i < _dims.Length; i++)
            if (_dims[i] != -1 && _dims[i] != concrete[i]) return false;
        return true;
    }

    internal static int Count(ReadOnlySpan<int> dims)
    {
        long n = 1;
        foreach (int d in dims)
        {
            if (d < 0) throw new InvalidOperationException($"Shape ({Format(dims)}) is not fully defined.");
            n *= d;
            if (n > Array.MaxLength) throw new OverflowException($"Shape ({Format(dims)}) has too many elements.");
        }
        return (int)n;
    }

    internal static string Format(ReadOnlySpan<int> dims)
    {
        var parts = new string[dims.Length];
        for (int i = 0; i < dims.Length; i++) parts[i] = dims[i] == -1 ? "?" : dims[i].ToString();
        return string.Join(", ", parts);
    }

    /// <inheritdoc />
    public bool Equals(Shape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);
    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Shape);
    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in _dims) h.Add(d);
        return h.ToHashCode();
    }
    /// <inheritdoc />
    public override string ToString() => "(" + Format(_dims) + ")";
}
