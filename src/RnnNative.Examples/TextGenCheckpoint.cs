using System.Text.Json;
using System.Text.Json.Serialization;
using RnnNative.Training;

namespace RnnNative.Examples;

/// <summary>
/// Saves and loads a <see cref="TextGenModel"/> with its vocabulary as a <see cref="Checkpoint"/> (atomic write,
/// SHA-256, format version): the weights as its variables, model kind <see cref="Kind"/> with the
/// <see cref="TextGenOptions"/>, and the vocabulary as the metadata entry <c>textgen.vocabulary</c>.
/// </summary>
/// <remarks>Format version 1 files kept the kind and options in metadata (<c>model.kind</c>, <c>textgen.options</c>); they still load.</remarks>
public static class TextGenCheckpoint
{
    /// <summary>The model kind of a text-generation checkpoint.</summary>
    public const string Kind = "textgen";
    private const string Version1OptionsKey = "textgen.options", VocabularyKey = "textgen.vocabulary";
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Writes the session's weights, <paramref name="model"/>'s options and the vocabulary to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, TextGenModel model, Session session, TextGenVocabulary vocabulary,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            [VocabularyKey] = vocabulary.Serialize(),
        };
        Checkpoint.Capture(session, Kind, model.Options, meta).Save(path);
    }

    /// <summary>Reads a checkpoint written by <see cref="Save"/>: the options, vocabulary and the checkpoint itself (for <see cref="Checkpoint.Restore"/> and its metadata).</summary>
    /// <exception cref="CheckpointException">Not a checkpoint, corrupt, or not a text-generation model.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static (TextGenOptions Options, TextGenVocabulary Vocabulary, Checkpoint Checkpoint) Load(string path)
    {
        var checkpoint = Checkpoint.Load(path);
        var meta = checkpoint.Metadata;
        string? json = checkpoint.Version == 1 ? meta.GetValueOrDefault(Version1OptionsKey) : checkpoint.OptionsJson;
        if (checkpoint.ModelKind != Kind || json is null || !meta.TryGetValue(VocabularyKey, out var symbols))
            throw new CheckpointException($"'{path}' is not a text-generation checkpoint (it holds a {checkpoint.ModelKind} model; " +
                $"a text generator has kind {Kind}, its options and vocabulary).");
        try
        {
            var options = JsonSerializer.Deserialize<TextGenOptions>(json, Json) ?? throw new JsonException("null options");
            var vocabulary = TextGenVocabulary.Deserialize(symbols);
            if (vocabulary.Count != options.VocabularySize)
                throw new FormatException($"{vocabulary.Count} characters for a vocabulary size of {options.VocabularySize}");
            return (options, vocabulary, checkpoint);
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
        {
            throw new CheckpointException($"'{path}': the text-generation options or vocabulary are unreadable ({e.Message}).", e);
        }
    }

    /// <summary>
    /// Loads <paramref name="path"/> into a new model and a session holding its weights (see <see cref="Load"/>);
    /// <paramref name="openSession"/> makes the session (default: <c>new Session(graph)</c>). The caller disposes it.
    /// </summary>
    public static (TextGenModel Model, Session Session, TextGenVocabulary Vocabulary, Checkpoint Checkpoint) Open(
        string path, Func<Graph, Session>? openSession = null)
    {
        var (options, vocabulary, checkpoint) = Load(path);
        TextGenModel model;
        try
        {
            model = new TextGenModel(options);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException($"'{path}' holds model options this build cannot build: {e.Message}", e);
        }
        var session = openSession?.Invoke(model.Graph) ?? new Session(model.Graph);
        try
        {
            checkpoint.Restore(session, path);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        return (model, session, vocabulary, checkpoint);
    }
}
