namespace RnnNative.Data;

/// <summary>
/// Sliding windows over one series for sequence-to-sequence forecasting: window n is T consecutive values
/// and its target is the same window shifted one step ahead.
/// </summary>
/// <remarks>
/// With v the series, s the stride: <c>X[n, t, 0] = v[n*s + t]</c>, <c>Y[n, t, 0] = v[n*s + t + 1]</c>,
/// for n in [0, N) with N = floor((L - T - 1) / s) + 1, L = v.Length ≥ T + 1. X and Y are (N, T, 1).
/// Windows are read from the series on demand; <see cref="ToArrays"/> materialises them.
/// </remarks>
public sealed class TimeSeriesDataset
{
    /// <summary>Windows of <paramref name="steps"/> over <paramref name="values"/> (not copied).</summary>
    public TimeSeriesDataset(float[] values, int steps, int stride = 1)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        if (values.Length < (long)steps + 1)
            throw new ArgumentException($"A series of {values.Length} values is too short for windows of {steps} steps (needs {steps + 1}).", nameof(values));
        Values = values;
        Steps = steps;
        Stride = stride;
        Count = (values.Length - steps - 1) / stride + 1;
    }

    /// <summary>The series v.</summary>
    public float[] Values { get; }

    /// <summary>T, steps per window.</summary>
    public int Steps { get; }

    /// <summary>s, the distance between the starts of consecutive windows.</summary>
    public int Stride { get; }

    /// <summary>N, the number of windows.</summary>
    public int Count { get; }

    /// <summary>I = 1: one value per step.</summary>
    public int Inputs => 1;

    /// <summary>Copies windows <paramref name="indices"/> into x (B, T, 1) and their targets into y (B, T, 1). Allocates nothing.</summary>
    public void Gather(ReadOnlySpan<int> indices, Span<float> x, Span<float> y)
    {
        int b = indices.Length;
        if (x.Length < (long)b * Steps || y.Length < (long)b * Steps)
            throw new ArgumentException($"Batch of {b} windows of {Steps} steps needs x and y >= {(long)b * Steps}; got {x.Length}, {y.Length}.");
        for (int k = 0; k < b; k++)
        {
            int n = indices[k];
            if ((uint)n >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), n, $"Window index outside [0, {Count}).");
            Values.AsSpan(n * Stride, Steps).CopyTo(x.Slice(k * Steps, Steps));
            Values.AsSpan(n * Stride + 1, Steps).CopyTo(y.Slice(k * Steps, Steps));
        }
    }

    /// <summary>All windows materialised: X (N, T, 1) and Y (N, T, 1).</summary>
    public (float[] X, float[] Y) ToArrays()
    {
        var x = new float[(long)Count * Steps];
        var y = new float[(long)Count * Steps];
        var all = new int[Count];
        for (int n = 0; n < Count; n++) all[n] = n;
        Gather(all, x, y);
        return (x, y);
    }

    /// <summary>
    /// Chronological split: the first values make the training windows, the last
    /// floor(L * <paramref name="testFraction"/>) values the test windows (no window crosses the cut).
    /// </summary>
    public (TimeSeriesDataset Train, TimeSeriesDataset Test) SplitChronological(double testFraction)
    {
        int test = Dataset.SplitCount(Values.Length, testFraction);
        int cut = Values.Length - test;
        if (cut < Steps + 1 || test < Steps + 1)
            throw new ArgumentException($"Cutting {Values.Length} values at {cut} leaves a part shorter than one window of {Steps} steps plus its target.");
        return (new TimeSeriesDataset(Values[..cut], Steps, Stride), new TimeSeriesDataset(Values[cut..], Steps, Stride));
    }
}
