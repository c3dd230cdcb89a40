using System.Globalization;
using System.Text;

namespace RnnNative;

/// <summary>
/// The text of <see cref="Tensor.ToString"/>: type and shape, then the values — all of them, nested by axis as
/// NumPy prints them, for a tensor of at most <see cref="MaxFullElements"/> elements; the first
/// <see cref="MaxFullElements"/> in row-major order and the total count otherwise.
/// </summary>
internal static class TensorFormat
{
    /// <summary>Tensors up to this many elements are printed whole.</summary>
    public const int MaxFullElements = 10;

    public static string Format(Tensor t)
    {
        var text = new StringBuilder();
        text.Append("Tensor<").Append(t.DType).Append(">(").Append(Shape.Format(t.Dims)).Append(") ");
        if (t.Length <= MaxFullElements)
        {
            int position = 0;
            AppendAxis(text, t, 0, ref position);
            return text.ToString();
        }
        text.Append('[');
        for (int i = 0; i < MaxFullElements; i++) text.Append(Value(t, i)).Append(", ");
        return text.Append("...] (").Append(t.Length.ToString(CultureInfo.InvariantCulture)).Append(" values)").ToString();
    }

    // The elements under `axis` as [a, b, ...], recursing for inner axes; `position` walks the row-major storage.
    private static void AppendAxis(StringBuilder text, Tensor t, int axis, ref int position)
    {
        if (axis == t.Dims.Length)
        {
            text.Append(Value(t, position++));
            return;
        }
        text.Append('[');
        for (int i = 0; i < t.Dims[axis]; i++)
        {
            if (i > 0) text.Append(", ");
            AppendAxis(text, t, axis + 1, ref position);
        }
        text.Append(']');
    }

    private static string Value(Tensor t, int index) => t.Floats is { } floats
        ? floats[index].ToString(CultureInfo.InvariantCulture)
        : t.Ints![index].ToString(CultureInfo.InvariantCulture);
}
