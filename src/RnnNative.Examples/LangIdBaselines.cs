namespace RnnNative.Examples;

/// <summary>The floor any classifier must beat: always predict the most frequent training class.</summary>
public sealed class MajorityClassBaseline
{
    /// <summary>Counts the training labels; the class is the most frequent one (the lowest index on ties).</summary>
    public MajorityClassBaseline(IEnumerable<int> labels, int classes)
    {
        var counts = new int[classes];
        foreach (int label in labels)
        {
            if ((uint)label >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), label, $"A label is outside [0, {classes}).");
            counts[label]++;
        }
        Class = Array.IndexOf(counts, counts.Max());
    }

    /// <summary>The class predicted for every input.</summary>
    public int Class { get; }
}

/// <summary>
/// Multinomial naive Bayes on character n-gram counts: the character-frequency baseline of <c>rnn langid</c>.
/// </summary>
/// <remarks>
/// Features of a word w (<see cref="Features"/>): its characters (order 1), and for each order k = 2..K the
/// k-grams of "^" + w + "$" (so "ab" has the bigrams ^a, ab, b$). With c(f, y) the count of feature f in
/// the training words of class y, F the distinct training features and α the Laplace smoothing:
/// <code>
/// score(y | w) = log P(y) + Σ_{f ∈ w, f ∈ F} log (c(f, y) + α) / (Σ_f' c(f', y) + α·|F|)
/// </code>
/// P(y) is the training frequency of class y; features never seen in training are ignored; the prediction is
/// the class of highest score (the lowest index on ties).
/// </remarks>
public sealed class CharNGramNaiveBayes
{
    private readonly Dictionary<string, double[]> _logLikelihood = new(StringComparer.Ordinal);
    private readonly double[] _logPrior;

    /// <summary>Counts the features of <paramref name="train"/>.</summary>
    /// <param name="train">Training words and their classes.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="maxOrder">K: 1 is character frequencies alone, 2 adds bigrams, ...</param>
    /// <param name="alpha">Laplace smoothing α > 0.</param>
    public CharNGramNaiveBayes(IReadOnlyList<LabeledWord> train, int classes, int maxOrder, double alpha = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxOrder);
        if (!(alpha > 0)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be positive.");
        MaxOrder = maxOrder;
        var counts = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var totals = new double[classes];
        var examples = new double[classes];
        foreach (var (word, label) in train)
        {
            if ((uint)label >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(train), label, $"A label is outside [0, {classes}).");
            examples[label]++;
            foreach (string f in Features(word, maxOrder))
            {
                if (!counts.TryGetValue(f, out var perClass)) counts[f] = perClass = new double[classes];
                perClass[label]++;
                totals[label]++;
            }
        }
        foreach (var (feature, perClass) in counts)
            _logLikelihood[feature] = perClass.Select((c, y) => Math.Log((c + alpha) / (totals[y] + alpha * counts.Count))).ToArray();
        _logPrior = examples.Select(e => Math.Log(e / train.Count)).ToArray();
    }

    /// <summary>K, the longest n-gram counted.</summary>
    public int MaxOrder { get; }

    /// <summary>The n-gram features of <paramref name="word"/>, orders 1..<paramref name="maxOrder"/>, repeats included.</summary>
    public static IEnumerable<string> Features(string word, int maxOrder)
    {
        foreach (char c in word) yield return c.ToString();
        string padded = "^" + word + "$";
        for (int k = 2; k <= maxOrder; k++)
            for (int i = 0; i + k <= padded.Length; i++) yield return padded.Substring(i, k);
    }

    /// <summary>score(y | word) for every class y (unnormalised log-probabilities).</summary>
    public double[] Scores(string word)
    {
        var scores = (double[])_logPrior.Clone();
        foreach (string f in Features(word, MaxOrder))
            if (_logLikelihood.TryGetValue(f, out var perClass))
                for (int y = 0; y < scores.Length; y++) scores[y] += perClass[y];
        return scores;
    }

    /// <summary>The class of highest score.</summary>
    public int Predict(string word)
    {
        var scores = Scores(word);
        return Array.IndexOf(scores, scores.Max());
    }
}

/// <summary>Counts of (true class, predicted class) pairs, with overall and per-class accuracy.</summary>
public sealed class ConfusionMatrix
{
    /// <summary>An empty matrix for <paramref name="classes"/> classes.</summary>
    public ConfusionMatrix(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        Counts = new int[classes, classes];
    }

    /// <summary>The matrix of paired true and predicted classes.</summary>
    public static ConfusionMatrix From(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted, int classes)
    {
        if (truth.Length != predicted.Length)
            throw new ArgumentException($"{truth.Length} true classes but {predicted.Length} predictions.", nameof(predicted));
        var matrix = new ConfusionMatrix(classes);
        for (int n = 0; n < truth.Length; n++) matrix.Add(truth[n], predicted[n]);
        return matrix;
    }

    /// <summary>Counts[true, predicted].</summary>
    public int[,] Counts { get; }

    /// <summary>Number of classes.</summary>
    public int Classes => Counts.GetLength(0);

    /// <summary>Pairs counted.</summary>
    public int Total { get; private set; }

    /// <summary>Pairs on the diagonal.</summary>
    public int Correct { get; private set; }

    /// <summary>Correct / Total (NaN when empty).</summary>
    public double Accuracy => Total == 0 ? double.NaN : (double)Correct / Total;

    /// <summary>Counts one pair.</summary>
    public void Add(int truth, int predicted)
    {
        if ((uint)truth >= (uint)Classes || (uint)predicted >= (uint)Classes)
            throw new ArgumentOutOfRangeException(nameof(truth), $"Class pair ({truth}, {predicted}) is outside [0, {Classes}).");
        Counts[truth, predicted]++;
        Total++;
        if (truth == predicted) Correct++;
    }

    /// <summary>Examples whose true class is <paramref name="truth"/>.</summary>
    public int ClassTotal(int truth)
    {
        int sum = 0;
        for (int p = 0; p < Classes; p++) sum += Counts[truth, p];
        return sum;
    }

    /// <summary>The fraction of class <paramref name="truth"/> classified correctly (its recall; NaN when it has no examples).</summary>
    public double ClassAccuracy(int truth) => ClassTotal(truth) is var n && n == 0 ? double.NaN : (double)Counts[truth, truth] / n;
}
