using System.Text;
using RnnNative.Data;

namespace RnnNative.Examples;

/// <summary>A word and the index of its language (in <see cref="LangIdCorpus.Languages"/>).</summary>
public readonly record struct LabeledWord(string Word, int Language);

/// <summary>How <see cref="LangIdCorpus"/> samples and splits the word lists.</summary>
public sealed record LangIdCorpusOptions
{
    /// <summary>Words sampled per language (fewer when a language has fewer usable words: the sample stays balanced).</summary>
    public int WordsPerLanguage { get; init; } = 30000;

    /// <summary>Longest word kept, in characters: the RNN's number of time steps T.</summary>
    public int MaxLength { get; init; } = 20;

    /// <summary>Fraction of each language's sample held out for testing (stratified split).</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Seed of the per-language sample and split.</summary>
    public ulong Seed { get; init; } = 42;
}

/// <summary>
/// Words labelled with their language, from one word list per language (one word per line, UTF-8, such as
/// Debian's <c>/usr/share/dict/*</c>): normalised, de-duplicated across languages, sampled in equal numbers per
/// language with a seed, and split into training and held-out words.
/// </summary>
/// <remarks>
/// A line becomes a word when, after trimming, Unicode NFC normalisation and lower-casing (invariant culture),
/// it is 1..<see cref="LangIdCorpusOptions.MaxLength"/> letters (<see cref="char.IsLetter(char)"/>); lines with
/// apostrophes, hyphens, digits or spaces are dropped. A word found in the lists of two or more languages is
/// ambiguous and dropped from all of them. Each language's words are sorted (ordinal), permuted with a seed
/// derived from (seed, language index) and the first n taken, n = min(WordsPerLanguage, fewest usable words of
/// any language); the first floor(n·TestFraction) of those are the language's test words.
/// </remarks>
public sealed class LangIdCorpus
{
    private LangIdCorpus(IReadOnlyList<string> languages, IReadOnlyList<int> usable, int shared, int perLanguage,
        List<LabeledWord> train, List<LabeledWord> test)
    {
        Languages = languages;
        UsableWords = usable;
        SharedWordsDropped = shared;
        WordsPerLanguage = perLanguage;
        Train = train;
        Test = test;
    }

    /// <summary>Language names, in label order.</summary>
    public IReadOnlyList<string> Languages { get; }

    /// <summary>Per language, the distinct words left after normalising, filtering and dropping shared words.</summary>
    public IReadOnlyList<int> UsableWords { get; }

    /// <summary>Distinct words that appeared in several languages' lists and were dropped from all.</summary>
    public int SharedWordsDropped { get; }

    /// <summary>n, the words sampled per language (training + test).</summary>
    public int WordsPerLanguage { get; }

    /// <summary>Training words, grouped by language (shuffle before use).</summary>
    public IReadOnlyList<LabeledWord> Train { get; }

    /// <summary>Held-out words, grouped by language.</summary>
    public IReadOnlyList<LabeledWord> Test { get; }

    /// <summary>Reads <c>{folder}/{language}</c> for each language (a file per language, named by it).</summary>
    /// <exception cref="FileNotFoundException">A word list is missing (the message names it).</exception>
    public static LangIdCorpus Load(string folder, IReadOnlyList<string> languages, LangIdCorpusOptions options)
    {
        var lists = new List<IEnumerable<string>>();
        foreach (string language in languages)
        {
            string path = Path.Combine(folder, language);
            if (!File.Exists(path)) throw new FileNotFoundException($"word list '{path}' not found.", path);
            lists.Add(File.ReadLines(path, Encoding.UTF8));
        }
        return FromWordLists(languages, lists, options);
    }

    /// <summary>Builds the corpus from word lists in memory, one per language.</summary>
    public static LangIdCorpus FromWordLists(IReadOnlyList<string> languages, IReadOnlyList<IEnumerable<string>> lists,
        LangIdCorpusOptions options)
    {
        Validate(languages, lists, options);
        var sets = lists.Select(lines => Words(lines, options.MaxLength)).ToArray();
        int shared = DropShared(sets);
        var sorted = sets.Select(s => s.Order(StringComparer.Ordinal).ToArray()).ToArray();
        int n = Math.Min(options.WordsPerLanguage, sorted.Min(s => s.Length));
        int testCount = (int)Math.Floor(n * options.TestFraction);
        if (testCount < 1 || n - testCount < 1)
        {
            int fewest = Array.FindIndex(sorted, s => s.Length == sorted.Min(x => x.Length));
            throw new ArgumentException($"Language '{languages[fewest]}' has only {sorted[fewest].Length} usable words " +
                $"(1..{options.MaxLength} letters, not shared with another list): too few for a training and a test split.");
        }
        var (train, test) = (new List<LabeledWord>(), new List<LabeledWord>());
        for (int language = 0; language < sorted.Length; language++)
        {
            int[] order = Shuffle.Permutation(sorted[language].Length, SeedMixer.Mix(options.Seed, (ulong)language));
            for (int k = 0; k < n; k++)
                (k < testCount ? test : train).Add(new LabeledWord(sorted[language][order[k]], language));
        }
        return new LangIdCorpus(languages.ToArray(), sets.Select(s => s.Count).ToArray(), shared, n, train, test);
    }

    /// <summary>A line or typed word as the model sees it: trimmed, Unicode NFC, lower-case (invariant culture).</summary>
    /// <remarks>Text that is not valid UTF-16 (a lone surrogate) cannot be normalised and is only trimmed and lower-cased.</remarks>
    public static string Normalize(string line)
    {
        string word = line.Trim();
        try
        {
            word = word.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            // a lone surrogate: not normalisable, kept as it is
        }
        return word.ToLowerInvariant();
    }

    /// <summary>Whether a normalised word is kept for training: at least one character, all letters.</summary>
    public static bool IsWord(string word) => word.Length > 0 && word.All(char.IsLetter);

    private static HashSet<string> Words(IEnumerable<string> lines, int maxLength)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in lines)
        {
            string word = Normalize(line);
            if (word.Length <= maxLength && IsWord(word)) words.Add(word);
        }
        return words;
    }

    // Removes every word present in two or more sets; returns how many distinct words that was.
    private static int DropShared(HashSet<string>[] sets)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var set in sets)
            foreach (string word in set) seen[word] = seen.GetValueOrDefault(word) + 1;
        var shared = seen.Where(p => p.Value > 1).Select(p => p.Key).ToArray();
        foreach (var set in sets) set.ExceptWith(shared);
        return shared.Length;
    }

    private static void Validate(IReadOnlyList<string> languages, IReadOnlyList<IEnumerable<string>> lists, LangIdCorpusOptions options)
    {
        if (languages.Count < 2) throw new ArgumentException($"Language identification needs at least 2 languages, got {languages.Count}.", nameof(languages));
        if (lists.Count != languages.Count) throw new ArgumentException($"{lists.Count} word lists for {languages.Count} languages.", nameof(lists));
        var duplicate = languages.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Language '{duplicate.Key}' is given twice.", nameof(languages));
        if (options.WordsPerLanguage < 2) throw new ArgumentOutOfRangeException(nameof(options), "WordsPerLanguage must be at least 2.");
        if (options.MaxLength < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxLength must be at least 1.");
        if (!(options.TestFraction > 0 && options.TestFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.TestFraction, "TestFraction must be in (0, 1).");
    }
}
