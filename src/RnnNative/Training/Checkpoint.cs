using System.Text.Json;
using System.Text.Json.Serialization;
using RnnNative.Models;

namespace RnnNative.Training;

/// <summary>
/// A saved model of any kind: every variable's value by name, the model's kind and options (JSON), and
/// free-form metadata (epoch, accuracy, vocabulary, data description...). Written atomically, verified by a
/// SHA-256 on load.
/// </summary>
/// <remarks>
/// <para>File layout (little-endian): magic <c>"RNNCKPT\x1A"</c> (8 bytes), uint32 format version, uint32 0,
/// int64 payload length L, SHA-256 of the payload (32 bytes), payload (L bytes), nothing after.
/// Payload (versions 2 and 3): model kind and options JSON (length-prefixed UTF-8 strings); int32 metadata count and
/// (key, value) strings; int32 variable count and per variable: name, int32 rank, int32 dims[rank],
/// float32 values[prod(dims)]. Version 3 adds, after the variables, an optional resume block
/// (<see cref="Resume"/>: loop position, optimizer moments, dropout counts, early stopping; see <see cref="ResumeStateFormat"/>).</para>
/// <para>Version 1 files (no kind string; the options were always <see cref="SequenceClassifierOptions"/>) still
/// load: their kind is the metadata entry <c>model.kind</c> when present, else <see cref="ClassifierKind"/>.</para>
/// <para>A <see cref="SequenceClassifier"/> has a typed path: <see cref="Capture(Session, SequenceClassifierOptions, IReadOnlyDictionary{string, string}?)"/>
/// and <see cref="ClassifierOptions"/>. Other models give their kind and options to
/// <see cref="Capture{TOptions}(Session, string, TOptions, IReadOnlyDictionary{string, string}?)"/> and read
/// them back with <see cref="ReadOptions{TOptions}"/>.</para>
/// </remarks>
public sealed class Checkpoint
{
    /// <summary>The format version this build writes (it reads 1 to 3; a newer version is refused with a clear message).</summary>
    public const int FormatVersion = 3;

    /// <summary>The model kind of a <see cref="SequenceClassifier"/>.</summary>
    public const string ClassifierKind = "sequence_classifier";

    /// <summary>The metadata key that named a model's kind in version 1 files.</summary>
    public const string Version1KindKey = "model.kind";

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Creates a checkpoint from values already in hand (the dictionaries are copied).</summary>
    /// <param name="modelKind">What model the variables belong to (e.g. <see cref="ClassifierKind"/>).</param>
    /// <param name="optionsJson">The model's options as JSON.</param>
    /// <param name="variables">Variable values by full name.</param>
    /// <param name="metadata">Free-form string pairs.</param>
    public Checkpoint(string modelKind, string optionsJson, IReadOnlyDictionary<string, Tensor> variables,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelKind);
        ArgumentNullException.ThrowIfNull(optionsJson);
        ModelKind = modelKind;
        OptionsJson = optionsJson;
        Variables = new Dictionary<string, Tensor>(variables);
        Metadata = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>());
    }

    /// <summary>A <see cref="SequenceClassifier"/>'s checkpoint from values already in hand.</summary>
    public Checkpoint(SequenceClassifierOptions options, IReadOnlyDictionary<string, Tensor> variables,
        IReadOnlyDictionary<string, string>? metadata = null)
        : this(ClassifierKind, SerializeOptions(options), variables, metadata)
    {
    }

    /// <summary>What model the variables belong to.</summary>
    public string ModelKind { get; }

    /// <summary>The model's options as JSON (enums as names).</summary>
    public string OptionsJson { get; }

    /// <summary>Variable values by full name (e.g. <c>dense/kernel</c>).</summary>
    public IReadOnlyDictionary<string, Tensor> Variables { get; }

    /// <summary>Free-form string pairs saved with the model.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>What an exact resume needs beyond the weights (a run's <c>resume.ckpt</c>), or null for a model only.</summary>
    public ResumeState? Resume { get; init; }

    /// <summary>The format version of the file this was read from (<see cref="FormatVersion"/> when made in memory).</summary>
    public int Version { get; private init; } = FormatVersion;

    /// <summary>The classifier's hyperparameters: <c>new SequenceClassifier(checkpoint.ClassifierOptions)</c> rebuilds its graph.</summary>
    /// <exception cref="CheckpointException">The checkpoint holds another kind of model, or unreadable options.</exception>
    public SequenceClassifierOptions ClassifierOptions => ReadOptions<SequenceClassifierOptions>(ClassifierKind);

    private string Source { get; init; } = "the checkpoint";

    /// <summary>The current values of every variable of <paramref name="session"/>'s graph, for a model of <paramref name="modelKind"/>.</summary>
    public static Checkpoint Capture<TOptions>(Session session, string modelKind, TOptions options,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        new(modelKind, SerializeOptions(options), ReadVariables(session), metadata);

    /// <summary>The current values of every variable of a <see cref="SequenceClassifier"/>'s session.</summary>
    public static Checkpoint Capture(Session session, SequenceClassifierOptions options,
        IReadOnlyDictionary<string, string>? metadata = null) => Capture(session, ClassifierKind, options, metadata);

    /// <summary>The same model with <paramref name="resume"/> as its resume state (a run's <c>resume.ckpt</c>).</summary>
    public Checkpoint WithResume(ResumeState? resume) => new(ModelKind, OptionsJson, Variables, Metadata) { Resume = resume };

    /// <summary>The options as <typeparamref name="TOptions"/>, after checking that the model is of <paramref name="expectedKind"/>.</summary>
    /// <exception cref="CheckpointException">Another kind of model, or options that do not read as <typeparamref name="TOptions"/>.</exception>
    public TOptions ReadOptions<TOptions>(string expectedKind)
    {
        if (ModelKind != expectedKind)
            throw new CheckpointException($"'{Source}' holds a {ModelKind} model, not a {expectedKind}.");
        try
        {
            return JsonSerializer.Deserialize<TOptions>(OptionsJson, Json) ?? throw new JsonException("the options are null");
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"'{Source}': the model options are unreadable ({e.Message}).", e);
        }
    }

    /// <summary>Options as checkpoints store them: JSON with enums as names.</summary>
    public static string SerializeOptions<TOptions>(TOptions options) => JsonSerializer.Serialize(options, Json);

    /// <summary>Sets every variable of <paramref name="session"/>'s graph from this checkpoint.</summary>
    /// <exception cref="CheckpointException">A variable is missing, extra or of another shape.</exception>
    public void Restore(Session session, string? source = null)
    {
        string where = source ?? "the checkpoint";
        var graphVariables = session.Graph.GlobalVariables;
        foreach (var v in graphVariables)
        {
            if (!Variables.TryGetValue(v.Name, out var value))
                throw new CheckpointException($"{where} is incompatible with the model: it has no variable '{v.Name}'.");
            if (!value.Dims.SequenceEqual(v.Shape.Dims))
                throw new CheckpointException(
                    $"{where} is incompatible with the model: variable '{v.Name}' is {value.Shape} there but {v.Shape} in the model.");
        }
        foreach (string name in Variables.Keys)
            if (!graphVariables.Any(v => v.Name == name))
                throw new CheckpointException($"{where} is incompatible with the model: it has an extra variable '{name}'.");
        foreach (var v in graphVariables) session.Assign(v, Variables[v.Name]);
    }

    /// <summary>Writes the checkpoint to <paramref name="path"/> atomically (the old file survives a failed write).</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, CheckpointFormat.Encode(this));

    /// <summary>Reads and verifies a checkpoint file (format version 1 to 3).</summary>
    /// <exception cref="CheckpointException">Not a checkpoint, truncated, corrupt or of another format version.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static Checkpoint Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        if (info.Length > CheckpointFormat.MaxFileBytes)
            throw new CheckpointException($"'{path}' is {info.Length} bytes, larger than any checkpoint this build reads.");
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes and verifies checkpoint bytes; <paramref name="source"/> names them in errors.</summary>
    public static Checkpoint Decode(byte[] bytes, string source)
    {
        var payload = CheckpointFormat.Decode(bytes, source);
        string kind = payload.ModelKind ?? payload.Metadata.GetValueOrDefault(Version1KindKey) ?? ClassifierKind;
        try
        {
            using var _ = JsonDocument.Parse(payload.OptionsJson);
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"'{source}': the model options are unreadable ({e.Message}).", e);
        }
        if (kind.Length == 0) throw new CheckpointException($"'{source}' is corrupt: its model kind is empty.");
        return new Checkpoint(kind, payload.OptionsJson, payload.Variables, payload.Metadata) { Version = payload.Version, Source = source, Resume = payload.Resume };
    }

    private static Dictionary<string, Tensor> ReadVariables(Session session)
    {
        var values = new Dictionary<string, Tensor>();
        foreach (var v in session.Graph.GlobalVariables) values.Add(v.Name, session.Read(v));
        return values;
    }
}
