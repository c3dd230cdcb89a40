using RnnNative.Data;
using RnnNative.Models;

namespace RnnNative.Examples;

/// <summary>
/// The characters a language identifier knows, each a one-hot input column; column 0 stands for any character
/// not seen in training.
/// </summary>
/// <remarks>
/// A word w of length L ≤ T becomes L steps of one-hot rows, x[t, id(w[t])] = 1, then T − L zero rows that
/// <see cref="Rnn.Dynamic"/> never reads because the word's sequence length L is fed with it.
/// </remarks>
public sealed class CharVocabulary
{
    private readonly Dictionary<char, int> _ids = [];

    /// <summary>The distinct characters of <paramref name="words"/>, sorted (ordinal), as columns 1..</summary>
    public CharVocabulary(IEnumerable<string> words)
        : this(new string(words.SelectMany(w => w).Distinct().Order().ToArray()))
    {
    }

    private CharVocabulary(string characters)
    {
        Characters = characters;
        for (int i = 0; i < characters.Length; i++)
            if (!_ids.TryAdd(characters[i], i + 1))
                throw new ArgumentException($"Character '{characters[i]}' appears twice in the vocabulary.", nameof(characters));
    }

    /// <summary>The known characters in column order (column i + 1 is Characters[i]).</summary>
    public string Characters { get; }

    /// <summary>Input columns I: the known characters plus the unknown column 0.</summary>
    public int Size => Characters.Length + 1;

    /// <summary>Rebuilds a vocabulary from <see cref="Characters"/> (as saved with a model).</summary>
    public static CharVocabulary FromCharacters(string characters) => new(characters);

    /// <summary>The input column of <paramref name="c"/>: 1.. for a known character, 0 otherwise.</summary>
    public int IndexOf(char c) => _ids.GetValueOrDefault(c);

    /// <summary>One-hot sequences (N, T = <paramref name="maxLength"/>, I = <see cref="Size"/>) with lengths and labels.</summary>
    /// <exception cref="ArgumentException">A word is empty or longer than <paramref name="maxLength"/> (named).</exception>
    public Dataset Encode(IReadOnlyList<LabeledWord> words, int maxLength, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        var features = new float[(long)words.Count * maxLength * Size];
        var labels = new int[words.Count];
        var lengths = new int[words.Count];
        for (int n = 0; n < words.Count; n++)
        {
            string word = words[n].Word;
            if (word.Length == 0) throw new ArgumentException($"Word {n} is empty.", nameof(words));
            if (word.Length > maxLength)
                throw new ArgumentException($"The word '{word}' has {word.Length} characters; the model reads at most {maxLength}.", nameof(words));
            for (int t = 0; t < word.Length; t++) features[((long)n * maxLength + t) * Size + IndexOf(word[t])] = 1f;
            labels[n] = words[n].Language;
            lengths[n] = word.Length;
        }
        return new Dataset(features, labels, maxLength, Size, classes, lengths);
    }
}

/// <summary>
/// The language identifier of <c>rnn langid</c>: a <see cref="SequenceClassifier"/> over one-hot characters
/// with per-word sequence lengths (the lecture's <c>dynamic_rnn(..., sequence_length=seq_length)</c>), and
/// the metadata that lets a saved checkpoint classify new words.
/// </summary>
public static class LangIdModel
{
    /// <summary>Checkpoint metadata keys: the language names (comma-separated), the vocabulary, the longest word.</summary>
    public const string LanguagesKey = "langid.languages", CharactersKey = "langid.characters", MaxLengthKey = "langid.max_length";

    /// <summary>
    /// Classifier options: T = <paramref name="maxLength"/> steps of I = <c>vocabulary.Size</c> one-hot inputs,
    /// sequence lengths on, <paramref name="languages"/> classes; the rest from <paramref name="template"/>.
    /// </summary>
    public static SequenceClassifierOptions Options(SequenceClassifierOptions template, CharVocabulary vocabulary, int maxLength, int languages) =>
        template with { Steps = maxLength, Inputs = vocabulary.Size, Classes = languages, UseSequenceLengths = true };

    /// <summary>What a checkpoint needs besides the weights to read new words.</summary>
    public static Dictionary<string, string> Metadata(IReadOnlyList<string> languages, CharVocabulary vocabulary, int maxLength)
    {
        if (languages.Any(l => l.Contains(',')))
            throw new ArgumentException("Language names must not contain commas.", nameof(languages));
        return new()
        {
            [LanguagesKey] = string.Join(",", languages),
            [CharactersKey] = vocabulary.Characters,
            [MaxLengthKey] = maxLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Reads back <see cref="Metadata"/>; null when a key is missing (not a language identifier).</summary>
    public static (string[] Languages, CharVocabulary Vocabulary, int MaxLength)? FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(LanguagesKey, out string? languages) || !metadata.TryGetValue(CharactersKey, out string? characters)
            || !metadata.TryGetValue(MaxLengthKey, out string? maxLength) || !int.TryParse(maxLength, out int steps) || steps < 1)
            return null;
        return (languages.Split(','), CharVocabulary.FromCharacters(characters), steps);
    }
}
