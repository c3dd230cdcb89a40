using System.Text;
using RnnNative.Data;

namespace RnnNative.Examples;

/// <summary>
/// The characters of a character-level language model: the distinct Unicode scalar values (<see cref="Rune"/>s)
/// of a text, sorted by code point, each mapped to its id 0..V−1.
/// </summary>
public sealed class TextGenVocabulary
{
    private readonly Rune[] _symbols;
    private readonly Dictionary<Rune, int> _ids;

    /// <summary>A vocabulary of <paramref name="symbols"/> (sorted, duplicates removed).</summary>
    /// <exception cref="ArgumentException">No symbols.</exception>
    public TextGenVocabulary(IEnumerable<Rune> symbols)
    {
        _symbols = symbols.Distinct().Order().ToArray();
        if (_symbols.Length == 0) throw new ArgumentException("A vocabulary needs at least one character.", nameof(symbols));
        _ids = new Dictionary<Rune, int>(_symbols.Length);
        for (int i = 0; i < _symbols.Length; i++) _ids[_symbols[i]] = i;
    }

    /// <summary>The vocabulary of every character of <paramref name="text"/>.</summary>
    public static TextGenVocabulary FromText(string text) => new(text.EnumerateRunes());

    /// <summary>V, the number of characters.</summary>
    public int Count => _symbols.Length;

    /// <summary>The characters in id order.</summary>
    public IReadOnlyList<Rune> Symbols => _symbols;

    /// <summary>Whether <paramref name="symbol"/> has an id.</summary>
    public bool Contains(Rune symbol) => _ids.ContainsKey(symbol);

    /// <summary>The id of each character of <paramref name="text"/>.</summary>
    /// <exception cref="ArgumentException">A character is not in the vocabulary (named, with its position).</exception>
    public int[] Encode(string text)
    {
        var ids = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (!_ids.TryGetValue(rune, out int id))
                throw new ArgumentException($"Character '{rune}' (U+{rune.Value:X4}) at position {ids.Count} is not in the vocabulary of {Count} characters.", nameof(text));
            ids.Add(id);
        }
        return ids.ToArray();
    }

    /// <summary>The text of <paramref name="ids"/>.</summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var text = new StringBuilder(ids.Length);
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(ids), id, $"Id outside [0, {Count}).");
            text.Append(_symbols[id].ToString());
        }
        return text.ToString();
    }

    /// <summary>The code points as comma-separated decimal numbers (how checkpoints store the vocabulary).</summary>
    public string Serialize() => string.Join(",", _symbols.Select(r => r.Value));

    /// <summary>Reads <see cref="Serialize"/>'s format.</summary>
    /// <exception cref="FormatException">Not a list of valid code points.</exception>
    public static TextGenVocabulary Deserialize(string text)
    {
        var symbols = new List<Rune>();
        foreach (string part in text.Split(','))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value)
                || !Rune.IsValid(value))
                throw new FormatException($"'{part}' is not a Unicode scalar value.");
            symbols.Add(new Rune(value));
        }
        return new TextGenVocabulary(symbols);
    }

    /// <summary>Reads a UTF-8 text file (a leading BOM is skipped).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="DataFormatException">Invalid UTF-8 (the byte offset is named) or no characters.</exception>
    public static string ReadText(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"text file '{path}' not found.", path);
        byte[] bytes = File.ReadAllBytes(path);
        int start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException e)
        {
            throw new DataFormatException(path, $"not valid UTF-8 at byte {start + e.Index}.", inner: e);
        }
        if (text.Length == 0) throw new DataFormatException(path, "the text is empty.");
        return text;
    }
}
