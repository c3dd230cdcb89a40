namespace RnnNative.Data;

/// <summary>How CSV features are scaled after loading.</summary>
public enum FeatureScaling
{
    /// <summary>Values as they are in the file.</summary>
    None,
    /// <summary>Every feature divided by the largest |value| of all features (images: 0..16 → 0..1).</summary>
    GlobalMax,
    /// <summary>Each feature column divided by its own largest |value| (columns that are all 0 stay 0).</summary>
    ColumnMax,
}

/// <summary>Options of <see cref="CsvDataset.Load(string, CsvOptions?)"/>.</summary>
public sealed record CsvOptions
{
    /// <summary>Whether the first row is a header; null detects it (a header when none of its cells is a number).</summary>
    public bool? HasHeader { get; init; }

    /// <summary>The label column by header name; overrides <see cref="LabelIndex"/>.</summary>
    public string? LabelName { get; init; }

    /// <summary>The label column by 0-based index; negative counts from the end (default -1: the last column).</summary>
    public int LabelIndex { get; init; } = -1;

    /// <summary>Feature columns by name, in this order; null means every column but the label.</summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }

    /// <summary>Feature columns by 0-based index, in this order; used when <see cref="FeatureNames"/> is null.</summary>
    public IReadOnlyList<int>? FeatureIndices { get; init; }

    /// <summary>
    /// Time steps T the F features are cut into (I = F / T inputs per step; T must divide F). Null: √F when F is
    /// a perfect square (8×8 digits → T = I = 8), otherwise a single step of F inputs.
    /// </summary>
    public int? Steps { get; init; }

    /// <summary>Feature scaling (default: divide by the global max, e.g. digits pixels 0..16 → [0, 1]).</summary>
    public FeatureScaling Scaling { get; init; } = FeatureScaling.GlobalMax;

    /// <summary>
    /// Explicit per-feature multipliers (length F), overriding <see cref="Scaling"/>: pass a training set's
    /// <see cref="Dataset.FeatureScales"/> to load new data exactly as it was scaled.
    /// </summary>
    public float[]? Scales { get; init; }

    /// <summary>Number of classes; null means max(label) + 1. Labels must be below it.</summary>
    public int? Classes { get; init; }

    /// <summary>Field delimiter (default ',').</summary>
    public char Delimiter { get; init; } = ',';
}
