using System.Numerics;

namespace RnnNative.Training;

/// <summary>Whether every value of a buffer is finite: the guard run over the parameter slab after each update.</summary>
internal static class FiniteCheck
{
    /// <summary>The index of the first NaN or infinite value of <paramref name="values"/>, or -1 when all are finite.</summary>
    /// <remarks>x − x is 0 for a finite x and NaN for ±∞ or NaN, so a vector is all finite when x − x == 0 lane-wise.
    /// One pass, no allocation.</remarks>
    public static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(values.Slice(i, Vector<float>.Count));
                if (!Vector.EqualsAll(v - v, Vector<float>.Zero)) break;
            }
        }
        for (; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}
