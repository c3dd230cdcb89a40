namespace RnnNative.Examples;

/// <summary>Samples text from a trained <see cref="TextGenModel"/> one character at a time.</summary>
public sealed class TextGenSampler(TextGenModel model, Session session, TextGenVocabulary vocabulary)
{
    /// <summary>The vocabulary the model was trained with.</summary>
    public TextGenVocabulary Vocabulary { get; } = vocabulary.Count == model.Options.VocabularySize ? vocabulary
        : throw new ArgumentException($"The vocabulary has {vocabulary.Count} characters but the model {model.Options.VocabularySize}.", nameof(vocabulary));

    /// <summary>
    /// Continues <paramref name="prefix"/> by <paramref name="length"/> characters (the prefix is not part of
    /// the result). The model reads the prefix from the zero state; each next character is drawn from
    /// softmax(logits / <paramref name="temperature"/>) with a generator seeded by <paramref name="seed"/>, and
    /// fed back in. Temperature 0 takes the most likely character every time (the result then does not
    /// depend on the seed). An empty prefix starts from a newline when the vocabulary has one, else from its
    /// first character.
    /// </summary>
    /// <exception cref="ArgumentException">The prefix has a character outside the vocabulary.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Negative length, or a temperature that is negative or not finite.</exception>
    public string Sample(string prefix, int length, double temperature, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (!(temperature >= 0 && double.IsFinite(temperature)))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be a finite number ≥ 0.");
        int[] start = prefix.Length > 0 ? Vocabulary.Encode(prefix)
            : [Vocabulary.Contains(new System.Text.Rune('\n')) ? Vocabulary.Encode("\n")[0] : 0];
        var rng = new SplitMix64(seed);
        var state = model.ZeroState(1);
        var (logits, next) = (Run(start, state), new int[length]);
        int vocabularySize = Vocabulary.Count;
        var probabilities = new float[vocabularySize];
        for (int k = 0; k < length; k++)
        {
            var last = logits.AsSpan(logits.Length - vocabularySize);
            next[k] = temperature == 0 ? System.Numerics.Tensors.TensorPrimitives.IndexOfMax(last) : Draw(last, temperature, probabilities, ref rng);
            logits = Run([next[k]], state);
        }
        return Vocabulary.Decode(next);
    }

    // Runs ids (1, n) from state (updated in place); returns the logits (n, V).
    private float[] Run(int[] ids, Tensor[] state)
    {
        var feeds = new FeedDict { [model.X] = Tensor.FromArray(ids, 1, ids.Length) };
        for (int p = 0; p < state.Length; p++) feeds[model.InitialState[p]] = state[p];
        var values = session.Run([model.Logits, .. model.FinalState], feeds);
        for (int p = 0; p < state.Length; p++) state[p] = values[1 + p]!;
        return values[0]!.ToFloatArray();
    }

    // One draw from p = softmax(z / τ) by inverting the cumulative distribution.
    private static int Draw(ReadOnlySpan<float> logits, double temperature, float[] p, ref SplitMix64 rng)
    {
        for (int i = 0; i < logits.Length; i++) p[i] = (float)(logits[i] / temperature);
        Softmax.Row(p, p, out _);
        double u = rng.NextDouble(), cumulative = 0;
        int last = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == 0) continue;
            cumulative += p[i];
            last = i;
            if (u < cumulative) return i;
        }
        return last; // u ≥ the rounded sum of p: the last character that can occur
    }
}
