namespace RnnNative.Data;

/// <summary>
/// Sliding windows over one series for sequence-to-sequence forecasting: window n is T consecutive values
/// and its target is the same window shifted one step ahead.
/// </summary>
/// <remarks>
/// With v the series, s the stride: <c>X[n, t, 0] = v[n*s + t]</c>, <c>Y[n, t, 0] = v[n*s + t + 1]</c>,
/// for n in [0, N) with N = floor((L - T - 1) / s) + 1, L = v.Length ≥ T + 1. X and Y are (N, T, 1).
/// The sets <see cref="SplitBlock"/> returns keep a chosen subset of those windows: window n starts at
/// <see cref="WindowStart"/>(n) instead of n·s. Windows are read from the series on demand;
/// <see cref="ToArrays"/> materialises them.
/// </remarks>
public sealed class TimeSeriesDataset
{
    private readonly int[]? _starts; // explicit, ascending window starts; null: n·Stride

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

    // The windows of a split: a subset of the parent's, over the same (shared) series.
    private TimeSeriesDataset(TimeSeriesDataset parent, int[] starts)
    {
        Values = parent.Values;
        Steps = parent.Steps;
        Stride = parent.Stride;
        Count = starts.Length;
        _starts = starts;
    }

    /// <summary>The series v.</summary>
    public float[] Values { get; }

    /// <summary>T, steps per window.</summary>
    public int Steps { get; }

    /// <summary>s, the distance between the starts of consecutive windows (of the set this one was split from).</summary>
    public int Stride { get; }

    /// <summary>N, the number of windows.</summary>
    public int Count { get; }

    /// <summary>I = 1: one value per step.</summary>
    public int Inputs => 1;

    /// <summary>The index in <see cref="Values"/> of window n's first input; its target ends at that + T.</summary>
    public int WindowStart(int n)
    {
        if ((uint)n >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(n), n, $"Window index outside [0, {Count}).");
        return _starts is null ? n * Stride : _starts[n];
    }

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
            int start = _starts is null ? n * Stride : _starts[n];
            Values.AsSpan(start, Steps).CopyTo(x.Slice(k * Steps, Steps));
            Values.AsSpan(start + 1, Steps).CopyTo(y.Slice(k * Steps, Steps));
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
        if (_starts is not null)
            throw new InvalidOperationException("This set is already a split of a series; split the full series instead.");
        int test = Dataset.SplitCount(Values.Length, testFraction);
        int cut = Values.Length - test;
        if (cut < Steps + 1 || test < Steps + 1)
            throw new ArgumentException($"Cutting {Values.Length} values at {cut} leaves a part shorter than one window of {Steps} steps plus its target.");
        return (new TimeSeriesDataset(Values[..cut], Steps, Stride), new TimeSeriesDataset(Values[cut..], Steps, Stride));
    }

    /// <summary>
    /// Holds out the block of values [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>):
    /// Train keeps this set's windows lying entirely before or entirely after the block, Test those lying
    /// entirely inside it. Both share <see cref="Values"/> (not copied).
    /// </summary>
    /// <remarks>
    /// A window starting at s reads inputs v[s..s+T−1] and targets v[s+1..s+T], i.e. values s..s+T. With the
    /// block [a, a+m): Train has s + T &lt; a or s ≥ a + m (no input and no target from the block), Test has
    /// a ≤ s and s + T &lt; a + m. With stride 1 and both sides at least T+1 long: |Test| = m − T and
    /// |Train| = L − m − 2T. The windows that straddle an edge of the block are in neither.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The block is empty or not inside the series.</exception>
    /// <exception cref="ArgumentException">The block holds no window, or no window lies outside it.</exception>
    public (TimeSeriesDataset Train, TimeSeriesDataset Test) SplitBlock(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (start < 0 || start > Values.Length - length)
            throw new ArgumentOutOfRangeException(nameof(start), start, $"A held-out block of {length} values must start in [0, {Values.Length - length}] for a series of {Values.Length}.");
        int end = start + length; // exclusive
        var train = new List<int>();
        var test = new List<int>();
        for (int n = 0; n < Count; n++)
        {
            int s = WindowStart(n), last = s + Steps; // the window uses values s..last
            if (last < start || s >= end) train.Add(s);
            else if (s >= start && last < end) test.Add(s);
        }
        if (test.Count == 0)
            throw new ArgumentException($"The held-out block of {length} values ({start}-{end - 1}) holds no window of {Steps} steps and its shifted target (needs {Steps + 1}).");
        if (train.Count == 0)
            throw new ArgumentException($"Holding out values {start}-{end - 1} of {Values.Length} leaves no training window of {Steps} steps and its shifted target " +
                $"outside the block (needs {Steps + 1} values on one side; {start} before, {Values.Length - end} after).");
        return (new TimeSeriesDataset(this, [.. train]), new TimeSeriesDataset(this, [.. test]));
    }
}
