using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace RnnNative.Training;

/// <summary>The contents of a checkpoint file as read, before they become a <see cref="Checkpoint"/>.</summary>
internal sealed record CheckpointPayload(int Version, string? ModelKind, string OptionsJson,
    Dictionary<string, string> Metadata, Dictionary<string, Tensor> Variables, ResumeState? Resume);

/// <summary>The byte layout of a <see cref="Checkpoint"/> (see its remarks) and every check made on reading it.</summary>
/// <remarks>Version 1 (before model kinds) has no kind string: its payload starts with the options JSON. Version 3 adds
/// the resume block (<see cref="ResumeStateFormat"/>) after the variables.</remarks>
internal static class CheckpointFormat
{
    /// <summary>The first version, written by builds whose checkpoints held only <see cref="Models.SequenceClassifier"/> options.</summary>
    public const int Version1 = 1;

    /// <summary>The first version with a resume block after the variables.</summary>
    public const int Version3 = 3;
    public const long MaxFileBytes = int.MaxValue;
    private const int MaxRank = 8;
    private const int HeaderBytes = 8 + 4 + 4 + 8 + 32;
    private static ReadOnlySpan<byte> Magic => "RNNCKPT\x1A"u8;

    public static byte[] Encode(Checkpoint checkpoint)
    {
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(checkpoint.ModelKind);
            w.Write(checkpoint.OptionsJson);
            WriteStrings(w, checkpoint.Metadata);
            w.Write(checkpoint.Variables.Count);
            foreach (var (name, tensor) in checkpoint.Variables.OrderBy(p => p.Key, StringComparer.Ordinal))
                WriteTensor(w, name, tensor);
            ResumeStateFormat.Write(w, checkpoint.Resume);
        }
        var body = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        var file = new byte[HeaderBytes + body.Length];
        Magic.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(8), Checkpoint.FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(16), body.Length);
        SHA256.HashData(body, file.AsSpan(24, 32));
        body.CopyTo(file.AsSpan(HeaderBytes));
        return file;
    }

    public static CheckpointPayload Decode(byte[] file, string source)
    {
        var (version, body) = CheckEnvelope(file, source);
        try
        {
            using var r = new BinaryReader(new MemoryStream(file, HeaderBytes, body, writable: false), Encoding.UTF8);
            string? kind = version == Version1 ? null : r.ReadString();
            string json = r.ReadString();
            var metadata = new Dictionary<string, string>();
            int pairs = ReadCount(r, source, "metadata entries");
            for (int i = 0; i < pairs; i++) metadata[r.ReadString()] = r.ReadString();
            var variables = new Dictionary<string, Tensor>();
            int count = ReadCount(r, source, "variables");
            for (int i = 0; i < count; i++)
            {
                var (name, tensor) = ReadTensor(r, source);
                if (!variables.TryAdd(name, tensor)) throw Malformed(source, $"variable '{name}' appears twice");
            }
            var resume = version >= Version3 ? ResumeStateFormat.Read(r, source) : null;
            if (r.BaseStream.Position != body) throw Malformed(source, "bytes left after the last variable");
            return new CheckpointPayload(version, kind, json, metadata, variables, resume);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or DecoderFallbackException or FormatException)
        {
            throw Malformed(source, $"the payload is malformed ({e.Message})", e);
        }
    }

    // Magic, version, length and SHA-256; returns the version and the payload length.
    private static (int Version, int Length) CheckEnvelope(byte[] file, string source)
    {
        if (file.Length < Magic.Length || !file.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CheckpointException($"'{source}' is not an RnnNative checkpoint (bad magic).");
        if (file.Length < HeaderBytes)
            throw new CheckpointException($"'{source}' is truncated: {file.Length} bytes, shorter than the {HeaderBytes}-byte header.");
        int version = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(8));
        if (version > Checkpoint.FormatVersion)
            throw new CheckpointException(
                $"'{source}' has checkpoint format version {version}, written by a newer RnnNative; this build reads versions " +
                $"{Version1} to {Checkpoint.FormatVersion}: update RnnNative to open it.");
        if (version < Version1)
            throw new CheckpointException(
                $"'{source}' has checkpoint format version {version}; this build reads versions {Version1} to {Checkpoint.FormatVersion}.");
        if (BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(12)) != 0)
            throw new CheckpointException($"'{source}' is corrupt: the reserved header field is not 0.");
        long length = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(16));
        long actual = file.Length - HeaderBytes;
        if (length < 0 || length > actual)
            throw new CheckpointException($"'{source}' is truncated: the header announces {length} payload bytes, the file holds {actual}.");
        if (length < actual)
            throw new CheckpointException($"'{source}' is corrupt: {actual - length} unexpected bytes after the payload.");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(file.AsSpan(HeaderBytes), hash);
        if (!hash.SequenceEqual(file.AsSpan(24, 32)))
            throw new CheckpointException($"'{source}' is corrupt: the SHA-256 of its payload does not match its header.");
        return (version, (int)length);
    }

    // int32 count, then (key, value) per pair in ordinal key order: the same map always gives the same bytes.
    internal static void WriteStrings(BinaryWriter w, IReadOnlyDictionary<string, string> pairs)
    {
        w.Write(pairs.Count);
        foreach (var (key, value) in pairs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.Write(key);
            w.Write(value);
        }
    }

    private static void WriteTensor(BinaryWriter w, string name, Tensor tensor)
    {
        if (tensor.DType != DType.Float32) throw new ArgumentException($"Variable '{name}' is {tensor.DType}; checkpoints hold float32.");
        w.Write(name);
        w.Write(tensor.Dims.Length);
        foreach (int d in tensor.Dims) w.Write(d);
        foreach (float x in tensor.Floats!) w.Write(x);
    }

    private static (string Name, Tensor Value) ReadTensor(BinaryReader r, string source)
    {
        string name = r.ReadString();
        int rank = r.ReadInt32();
        if (rank < 0 || rank > MaxRank) throw Malformed(source, $"variable '{name}' has rank {rank}");
        var dims = new int[rank];
        long count = 1;
        for (int k = 0; k < rank; k++)
        {
            dims[k] = r.ReadInt32();
            if (dims[k] < 0) throw Malformed(source, $"variable '{name}' has dimension {dims[k]}");
            count *= dims[k];
            if (count * sizeof(float) > r.BaseStream.Length - r.BaseStream.Position)
                throw Malformed(source, $"variable '{name}' claims more values than the payload holds");
        }
        var values = new float[count];
        for (int i = 0; i < values.Length; i++) values[i] = r.ReadSingle();
        return (name, Tensor.FromArray(values, dims));
    }

    internal static int ReadCount(BinaryReader r, string source, string what)
    {
        int count = r.ReadInt32();
        if (count < 0 || count > r.BaseStream.Length - r.BaseStream.Position)
            throw Malformed(source, $"{count} {what} cannot fit in the payload");
        return count;
    }

    internal static CheckpointException Malformed(string source, string problem, Exception? inner = null) =>
        new($"'{source}' is corrupt: {problem}.", inner);
}
