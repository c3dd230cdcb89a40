using System.Text.Json;
using System.Text.Json.Serialization;
using RnnNative.Models;
using RnnNative.Training;

namespace RnnNative.Examples;

/// <summary>
/// Saves and loads a <see cref="TextGenModel"/> with its vocabulary in the <see cref="Checkpoint"/> file format
/// (atomic write, SHA-256, format version): the weights as the checkpoint's variables, the options and the
/// vocabulary as metadata under <c>textgen.*</c>.
/// </summary>
public static class TextGenCheckpoint
{
    /// <summary>Metadata key marking a text-generation checkpoint.</summary>
    public const string KindKey = "model.kind", Kind = "textgen";
    private const string OptionsKey = "textgen.options", VocabularyKey = "textgen.vocabulary";
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Writes the session's weights, <paramref name="model"/>'s options and the vocabulary to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, TextGenModel model, Session session, TextGenVocabulary vocabulary,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            [KindKey] = Kind,
            [OptionsKey] = JsonSerializer.Serialize(model.Options, Json),
            [VocabularyKey] = vocabulary.Serialize(),
        };
        // The classifier options slot of the format is unused here: the model is described by textgen.options.
        Checkpoint.Capture(session, new SequenceClassifierOptions(), meta).Save(path);
    }

    /// <summary>Reads a checkpoint written by <see cref="Save"/>: the options, vocabulary and the checkpoint itself (for <see cref="Checkpoint.Restore"/> and its metadata).</summary>
    /// <exception cref="CheckpointException">Not a checkpoint, corrupt, or not a text-generation model.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static (TextGenOptions Options, TextGenVocabulary Vocabulary, Checkpoint Checkpoint) Load(string path)
    {
        var checkpoint = Checkpoint.Load(path);
        var meta = checkpoint.Metadata;
        if (meta.GetValueOrDefault(KindKey) != Kind || !meta.TryGetValue(OptionsKey, out var json) || !meta.TryGetValue(VocabularyKey, out var symbols))
            throw new CheckpointException($"'{path}' is not a text-generation checkpoint (no {KindKey}={Kind} with its options and vocabulary).");
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
