namespace RnnNative.Data;

/// <summary>
/// A sequence-classification data set in flat arrays: N sequences of T steps of I inputs, one class label each.
/// Images are viewed as sequences: rows are time steps, the pixels of a row are the inputs.
/// </summary>
/// <remarks>
/// <c>Features</c>: (N, T, I) row-major, sample n step t input i at <c>(n*T + t)*I + i</c>.
/// <c>Labels</c>: (N,), each in [0, Classes). <c>Lengths</c>: (N,) in [1, T], or null when every sequence is T long.
/// </remarks>
public sealed class Dataset
{
    /// <summary>Largest number of classes accepted from a label file (guards against a label such as 2^31-1).</summary>
    public const int MaxClasses = 1 << 16;

    /// <summary>Wraps the arrays (no copy) after checking their lengths and ranges.</summary>
    /// <param name="features">(N, T, I) inputs.</param>
    /// <param name="labels">(N,) class indices >= 0.</param>
    /// <param name="steps">T.</param>
    /// <param name="inputs">I.</param>
    /// <param name="classes">Number of classes; null means max(label) + 1.</param>
    /// <param name="lengths">(N,) sequence lengths in [1, T], or null.</param>
    public Dataset(float[] features, int[] labels, int steps, int inputs, int? classes = null, int[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (steps <= 0 || inputs <= 0)
            throw new ArgumentException($"Steps and inputs must be positive (steps={steps}, inputs={inputs}).");
        if ((long)labels.Length * steps * inputs != features.Length)
            throw new ArgumentException(
                $"Features have {features.Length} values but {labels.Length} samples x {steps} steps x {inputs} inputs need {(long)labels.Length * steps * inputs}.");
        int maxLabel = CheckLabels(labels);
        Classes = classes ?? maxLabel + 1;
        if (Classes <= maxLabel || Classes > MaxClasses)
            throw new ArgumentException($"Classes={Classes} must be in [max label + 1 = {maxLabel + 1}, {MaxClasses}].", nameof(classes));
        if (lengths is not null) CheckLengths(lengths, labels.Length, steps);
        Features = features;
        Labels = labels;
        Steps = steps;
        Inputs = inputs;
        Lengths = lengths;
    }

    /// <summary>The inputs, (N, T, I) row-major.</summary>
    public float[] Features { get; }

    /// <summary>The class of each sample, (N,).</summary>
    public int[] Labels { get; }

    /// <summary>Per-sample sequence lengths in [1, T], or null when all are <see cref="Steps"/>.</summary>
    public int[]? Lengths { get; }

    /// <summary>N, the number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>T, time steps per sample.</summary>
    public int Steps { get; }

    /// <summary>I, inputs per time step.</summary>
    public int Inputs { get; }

    /// <summary>Number of classes (labels are in [0, Classes)).</summary>
    public int Classes { get; }

    /// <summary>Multipliers applied to each of the T*I feature columns when loaded (CSV scaling), or null.</summary>
    public float[]? FeatureScales { get; init; }

    /// <summary>The samples at <paramref name="indices"/>, copied, in that order; keeps <see cref="Classes"/>.</summary>
    public Dataset Subset(ReadOnlySpan<int> indices)
    {
        int stride = Steps * Inputs;
        var features = new float[(long)indices.Length * stride];
        var labels = new int[indices.Length];
        int[]? lengths = Lengths is null ? null : new int[indices.Length];
        Gather(indices, features, labels, lengths);
        return new Dataset(features, labels, Steps, Inputs, Classes, lengths) { FeatureScales = FeatureScales };
    }

    /// <summary>
    /// A seeded random split: <paramref name="validationFraction"/> of the samples (rounded down) go to
    /// <c>Validation</c>, the rest to <c>Train</c>. Same seed, same split, on every platform.
    /// </summary>
    public (Dataset Train, Dataset Validation) Split(double validationFraction, ulong seed)
    {
        int[] order = Shuffle.Permutation(Count, seed);
        int validation = SplitCount(Count, validationFraction);
        return (Subset(order.AsSpan(validation)), Subset(order.AsSpan(0, validation)));
    }

    /// <summary>
    /// A seeded random split with exactly <paramref name="validationCount"/> samples in <c>Validation</c> (the first
    /// of the same permutation <see cref="Split(double, ulong)"/> uses), the rest in <c>Train</c>.
    /// </summary>
    public (Dataset Train, Dataset Validation) Split(int validationCount, ulong seed)
    {
        if (validationCount < 0 || validationCount >= Count)
            throw new ArgumentOutOfRangeException(nameof(validationCount), validationCount,
                $"The validation count must be in [0, {Count}) so that training keeps at least one of the {Count} samples.");
        int[] order = Shuffle.Permutation(Count, seed);
        return (Subset(order.AsSpan(validationCount)), Subset(order.AsSpan(0, validationCount)));
    }

    /// <summary>
    /// Copies the samples at <paramref name="indices"/> into caller buffers: <paramref name="x"/> (B, T, I),
    /// <paramref name="y"/> (B,), <paramref name="lengths"/> (B,) (optional; T when the set has none).
    /// B = indices.Length; the buffers may be longer (the rest is left untouched). Allocates nothing.
    /// </summary>
    public void Gather(ReadOnlySpan<int> indices, Span<float> x, Span<int> y, Span<int> lengths = default)
    {
        int stride = Steps * Inputs, b = indices.Length;
        if (x.Length < (long)b * stride || y.Length < b || (!lengths.IsEmpty && lengths.Length < b))
            throw new ArgumentException(
                $"Batch of {b} needs x >= {(long)b * stride}, y >= {b}, lengths >= {b} (or empty); got {x.Length}, {y.Length}, {lengths.Length}.");
        for (int k = 0; k < b; k++)
        {
            int n = indices[k];
            if ((uint)n >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), n, $"Sample index outside [0, {Count}).");
            Features.AsSpan(n * stride, stride).CopyTo(x.Slice(k * stride, stride));
            y[k] = Labels[n];
            if (!lengths.IsEmpty) lengths[k] = Lengths?[n] ?? Steps;
        }
    }

    internal static int SplitCount(int count, double fraction)
    {
        if (!(fraction >= 0 && fraction < 1)) // also rejects NaN
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The validation fraction must be in [0, 1).");
        return (int)Math.Floor(count * fraction);
    }

    private static int CheckLabels(int[] labels)
    {
        int max = -1;
        for (int n = 0; n < labels.Length; n++)
        {
            if (labels[n] < 0) throw new ArgumentException($"Label {n} is {labels[n]}; labels must be >= 0.", nameof(labels));
            max = Math.Max(max, labels[n]);
        }
        return max;
    }

    private static void CheckLengths(int[] lengths, int count, int steps)
    {
        if (lengths.Length != count)
            throw new ArgumentException($"Lengths has {lengths.Length} entries for {count} samples.", nameof(lengths));
        for (int n = 0; n < count; n++)
            if (lengths[n] < 1 || lengths[n] > steps)
                throw new ArgumentException($"Length {n} is {lengths[n]}, outside [1, {steps}].", nameof(lengths));
    }
}
