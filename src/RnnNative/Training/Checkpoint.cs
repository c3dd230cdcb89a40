using System.Text.Json;
using System.Text.Json.Serialization;
using RnnNative.Models;

namespace RnnNative.Training;

/// <summary>
/// A saved <see cref="SequenceClassifier"/>: every variable's value by name, the model options, and free-form
/// metadata (epoch, accuracy, data description...). Written atomically, verified by a SHA-256 on load.
/// </summary>
/// <remarks>
/// File layout (little-endian): magic <c>"RNNCKPT\x1A"</c> (8 bytes), uint32 format version, uint32 0,
/// int64 payload length L, SHA-256 of the payload (32 bytes), payload (L bytes), nothing after.
/// Payload: options as JSON (length-prefixed UTF-8 string); int32 metadata count and (key, value) strings;
/// int32 variable count and per variable: name, int32 rank, int32 dims[rank], float32 values[prod(dims)].
/// </remarks>
public sealed class Checkpoint
{
    /// <summary>The format version this build writes and reads.</summary>
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Creates a checkpoint from values already in hand (copied).</summary>
    public Checkpoint(SequenceClassifierOptions options, IReadOnlyDictionary<string, Tensor> variables,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        Options = options;
        Variables = new Dictionary<string, Tensor>(variables);
        Metadata = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>());
    }

    /// <summary>The model's hyperparameters: <c>new SequenceClassifier(checkpoint.Options)</c> rebuilds its graph.</summary>
    public SequenceClassifierOptions Options { get; }

    /// <summary>Variable values by full name (e.g. <c>dense/kernel</c>).</summary>
    public IReadOnlyDictionary<string, Tensor> Variables { get; }

    /// <summary>Free-form string pairs saved with the model.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The current values of every variable of <paramref name="session"/>'s graph.</summary>
    public static Checkpoint Capture(Session session, SequenceClassifierOptions options,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var values = new Dictionary<string, Tensor>();
        foreach (var v in session.Graph.GlobalVariables) values.Add(v.Name, session.Read(v));
        return new Checkpoint(options, values, metadata);
    }

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
    public void Save(string path) => AtomicFile.WriteAllBytes(path, CheckpointFormat.Encode(this, OptionsJson()));

    /// <summary>Reads and verifies a checkpoint file.</summary>
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
        var (json, metadata, variables) = CheckpointFormat.Decode(bytes, source);
        SequenceClassifierOptions? options;
        try
        {
            options = JsonSerializer.Deserialize<SequenceClassifierOptions>(json, Json);
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"'{source}': the model options are unreadable ({e.Message}).", e);
        }
        return new Checkpoint(options ?? throw new CheckpointException($"'{source}': the model options are missing."),
            variables, metadata);
    }

    private string OptionsJson() => JsonSerializer.Serialize(Options, Json);
}
