namespace RnnNative.Data;

/// <summary>
/// Loads CSV files (raw or gzip, detected by content) with CsvHelper in the invariant culture: a
/// classification set (features + an integer label per row) or a time series (one numeric column).
/// </summary>
public static class CsvDataset
{
    /// <summary>Loads a classification set; see <see cref="CsvOptions"/> for the column choice, shape and scaling.</summary>
    /// <exception cref="DataFormatException">A non-numeric or empty cell, a ragged row... (names file, line, column).</exception>
    public static Dataset Load(string path, CsvOptions? options = null)
    {
        using var file = File.OpenRead(path);
        return Load(file, path, options);
    }

    /// <summary>Loads a classification set from <paramref name="stream"/> (left open).</summary>
    public static Dataset Load(Stream stream, string? sourceName, CsvOptions? options = null)
    {
        var o = options ?? new CsvOptions();
        if (o.Classes is int c && (c <= 0 || c > Dataset.MaxClasses))
            throw new ArgumentOutOfRangeException(nameof(options), c, $"Classes must be in [1, {Dataset.MaxClasses}].");
        return DataStreams.Guard(sourceName, () =>
        {
            using var cursor = new CsvCursor(stream, sourceName, o.HasHeader, o.Delimiter);
            int label = o.LabelName is null ? cursor.ColumnAt(o.LabelIndex) : cursor.ColumnOf(o.LabelName);
            int[] columns = FeatureColumns(cursor, o, label);
            var (steps, inputs) = Shape(columns.Length, o.Steps);
            var (features, labels) = ReadRows(cursor, label, columns, o.Classes ?? Dataset.MaxClasses);
            float[] scales = Scales(o, features, columns.Length, sourceName);
            for (int k = 0; k < features.Length; k++) features[k] *= scales[k % columns.Length];
            return new Dataset(features, labels, steps, inputs, o.Classes) { FeatureScales = scales };
        });
    }

    /// <summary>
    /// Loads one numeric column as a series and cuts it into windows of <paramref name="steps"/> steps whose
    /// targets are the inputs shifted by one step (see <see cref="TimeSeriesDataset"/>). No scaling.
    /// </summary>
    /// <param name="path">The CSV file (raw or gzip).</param>
    /// <param name="steps">T, steps per window.</param>
    /// <param name="column">Column by header name; null uses <paramref name="columnIndex"/>.</param>
    /// <param name="columnIndex">0-based; negative counts from the end (default: the last column).</param>
    /// <param name="hasHeader">Whether the first row is a header; null detects it.</param>
    /// <param name="stride">Distance between the starts of consecutive windows.</param>
    public static TimeSeriesDataset LoadSeries(string path, int steps, string? column = null, int columnIndex = -1,
        bool? hasHeader = null, int stride = 1)
    {
        using var file = File.OpenRead(path);
        return LoadSeries(file, path, steps, column, columnIndex, hasHeader, stride);
    }

    /// <summary>As <see cref="LoadSeries(string, int, string?, int, bool?, int)"/>, from a stream (left open).</summary>
    public static TimeSeriesDataset LoadSeries(Stream stream, string? sourceName, int steps, string? column = null,
        int columnIndex = -1, bool? hasHeader = null, int stride = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        return DataStreams.Guard(sourceName, () =>
        {
            using var cursor = new CsvCursor(stream, sourceName, hasHeader, ',');
            int index = column is null ? cursor.ColumnAt(columnIndex) : cursor.ColumnOf(column);
            var values = new List<float>();
            while (cursor.Next()) values.Add(cursor.Number(index));
            if (values.Count < steps + 1)
                throw new DataFormatException(sourceName,
                    $"the series has {values.Count} values; a window of {steps} steps and its shifted target need {steps + 1}.");
            return new TimeSeriesDataset(values.ToArray(), steps, stride);
        });
    }

    private static int[] FeatureColumns(CsvCursor cursor, CsvOptions o, int label)
    {
        int[] columns = o.FeatureNames is not null ? o.FeatureNames.Select(cursor.ColumnOf).ToArray()
            : o.FeatureIndices is not null ? o.FeatureIndices.Select(cursor.ColumnAt).ToArray()
            : Enumerable.Range(0, cursor.ColumnCount).Where(c => c != label).ToArray();
        if (columns.Length == 0) throw new DataFormatException(cursor.Source, "no feature columns (the file has only the label).");
        if (columns.Contains(label))
            throw new DataFormatException(cursor.Source, $"the label column {cursor.ColumnName(label)} is also listed as a feature.");
        return columns;
    }

    private static (int Steps, int Inputs) Shape(int features, int? steps)
    {
        if (steps is int t)
        {
            if (t <= 0 || features % t != 0)
                throw new ArgumentException($"{features} feature columns cannot be cut into {t} equal time steps.");
            return (t, features / t);
        }
        int root = (int)Math.Round(Math.Sqrt(features));
        return root * root == features ? (root, root) : (1, features);
    }

    // features: (N, F) row-major, labels: (N,)
    private static (float[] Features, int[] Labels) ReadRows(CsvCursor cursor, int label, int[] columns, int classLimit)
    {
        var features = new List<float>();
        var labels = new List<int>();
        while (cursor.Next())
        {
            labels.Add(cursor.Label(label, classLimit));
            foreach (int c in columns) features.Add(cursor.Number(c));
        }
        if (labels.Count == 0) throw new DataFormatException(cursor.Source, "no data rows.");
        return (features.ToArray(), labels.ToArray());
    }

    // Multipliers per feature column: 1/max|x| over everything (GlobalMax) or over each column (ColumnMax).
    private static float[] Scales(CsvOptions o, float[] features, int width, string? source)
    {
        if (o.Scales is not null)
        {
            if (o.Scales.Length != width)
                throw new ArgumentException($"Scales has {o.Scales.Length} entries for {width} feature columns.");
            return (float[])o.Scales.Clone();
        }
        var max = new float[width];
        for (int k = 0; k < features.Length; k++) max[k % width] = Math.Max(max[k % width], Math.Abs(features[k]));
        if (o.Scaling == FeatureScaling.GlobalMax) Array.Fill(max, max.Max());
        var scales = new float[width];
        for (int j = 0; j < width; j++)
            scales[j] = o.Scaling == FeatureScaling.None || max[j] == 0 ? 1f : InverseOfMax(max[j], j, source);
        return scales;
    }

    // 1/max as a finite float: below 1/float.MaxValue (~2.9e-39) the inverse overflows to +Inf and every scaled
    // feature would become Inf or NaN, so such a column is refused rather than scaled.
    private static float InverseOfMax(float max, int column, string? source)
    {
        float inverse = 1f / max;
        if (!float.IsFinite(inverse))
            throw new DataFormatException(source,
                $"feature column {column + 1}: its largest |value| {max:R} is too small to scale to 1 in 32-bit floats " +
                $"(1/{max:R} overflows); multiply the column by a power of ten or pass explicit scales.");
        return inverse;
    }
}
