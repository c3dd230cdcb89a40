namespace RnnNative.Data;

/// <summary>
/// The rule that fixes a classifier's class count from its training labels: K = max(label) + 1, and every
/// class 0..K-1 must occur at least once. A stray label (12 in a 10-class set) is an error naming it, not a
/// silently wider model with never-seen classes; labels of a test set must then be below K.
/// </summary>
public static class ClassLabels
{
    /// <summary>K for the training labels <paramref name="labels"/>, after checking that 0..K-1 all occur.</summary>
    /// <param name="labels">Training labels, each in [0, <see cref="Dataset.MaxClasses"/>).</param>
    /// <param name="source">Names the labels in errors (a file path).</param>
    /// <exception cref="DataFormatException">No labels, a negative or too-large label, or a gap in 0..max.</exception>
    public static int Count(ReadOnlySpan<int> labels, string? source)
    {
        if (labels.IsEmpty) throw new DataFormatException(source, "no labels.");
        var counts = new int[Dataset.MaxClasses];
        int max = -1;
        for (int n = 0; n < labels.Length; n++)
        {
            int y = labels[n];
            if (y < 0 || y >= Dataset.MaxClasses)
                throw new DataFormatException(source, $"label {n} is {y}, outside [0, {Dataset.MaxClasses}).");
            counts[y]++;
            max = Math.Max(max, y);
        }
        int missing = Array.IndexOf(counts, 0, 0, max + 1);
        if (missing >= 0)
        {
            int stray = labels.IndexOf(max);
            throw new DataFormatException(source,
                $"label {stray} is {max} but class {missing} never occurs: classes are 0..K-1 with every one present " +
                $"({CountPresent(counts, max)} distinct labels up to {max}); fix the stray label or renumber the classes.");
        }
        return max + 1;
    }

    /// <summary>Checks that every label of an evaluation set is a class the model can produce.</summary>
    /// <exception cref="DataFormatException">A label outside [0, <paramref name="classes"/>).</exception>
    public static void CheckWithin(ReadOnlySpan<int> labels, int classes, string? source)
    {
        for (int n = 0; n < labels.Length; n++)
            if (labels[n] < 0 || labels[n] >= classes)
                throw new DataFormatException(source,
                    $"label {n} is {labels[n]}, a class the model cannot produce (the training labels are 0..{classes - 1}).");
    }

    private static int CountPresent(int[] counts, int max)
    {
        int present = 0;
        for (int c = 0; c <= max; c++) if (counts[c] > 0) present++;
        return present;
    }
}
