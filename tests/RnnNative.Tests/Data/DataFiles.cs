using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using RnnNative.Data;

namespace RnnNative.Tests.Data;

/// <summary>Builds IDX and CSV byte strings by hand (independently of the readers) and temp files for them.</summary>
internal static class DataFiles
{
    /// <summary>An IDX file: magic, big-endian dims, then each value encoded big-endian as <paramref name="type"/>.</summary>
    public static byte[] Idx(IdxElementType type, int[] dims, double[] values)
    {
        var bytes = new List<byte> { 0, 0, (byte)type, (byte)dims.Length };
        var word = new byte[8];
        foreach (int d in dims)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            bytes.AddRange(word[..4]);
        }
        foreach (double v in values)
        {
            int size = Encode(type, v, word);
            bytes.AddRange(word[..size]);
        }
        return bytes.ToArray();
    }

    /// <summary>A header alone: magic + the given raw dims (may lie about the payload).</summary>
    public static byte[] IdxHeader(byte typeCode, params uint[] dims)
    {
        var bytes = new List<byte> { 0, 0, typeCode, (byte)dims.Length };
        var word = new byte[4];
        foreach (uint d in dims)
        {
            BinaryPrimitives.WriteUInt32BigEndian(word, d);
            bytes.AddRange(word);
        }
        return bytes.ToArray();
    }

    /// <summary>Values that fit <paramref name="type"/> exactly (integers in range; floats exactly representable).</summary>
    public static double[] Values(IdxElementType type, int count, int seed)
    {
        var rng = new Random(seed);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = type switch
            {
                IdxElementType.UInt8 => rng.Next(0, 256),
                IdxElementType.Int8 => rng.Next(-128, 128),
                IdxElementType.Int16 => rng.Next(short.MinValue, short.MaxValue + 1),
                IdxElementType.Int32 => rng.Next(int.MinValue, int.MaxValue) + (i % 2),
                IdxElementType.Single => (float)((rng.NextDouble() - 0.5) * 1e6),
                _ => (rng.NextDouble() - 0.5) * 1e12,
            };
        }
        return values;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return output.ToArray();
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static int Encode(IdxElementType type, double v, byte[] word)
    {
        switch (type)
        {
            case IdxElementType.UInt8: word[0] = (byte)v; return 1;
            case IdxElementType.Int8: word[0] = unchecked((byte)(sbyte)v); return 1;
            case IdxElementType.Int16: BinaryPrimitives.WriteInt16BigEndian(word, (short)v); return 2;
            case IdxElementType.Int32: BinaryPrimitives.WriteInt32BigEndian(word, (int)v); return 4;
            case IdxElementType.Single: BinaryPrimitives.WriteSingleBigEndian(word, (float)v); return 4;
            default: BinaryPrimitives.WriteDoubleBigEndian(word, v); return 8;
        }
    }
}

/// <summary>A temporary folder deleted with the test class.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rnn-data-tests-" + Guid.NewGuid().ToString("N"));

    public string Write(string name, byte[] content)
    {
        string path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A read-only stream that cannot seek and returns at most a few bytes per read (exercises the unknown-length path).</summary>
internal sealed class TrickleStream(byte[] data, int maxChunk = 7) : ForwardReadStream
{
    private int _position;

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(buffer.Length, maxChunk), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }
}

internal static class RepoPaths
{
    /// <summary>The repository root: the first ancestor of the test binaries holding RnnNative.sln.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "RnnNative.sln"))) return dir.FullName;
            throw new DirectoryNotFoundException("RnnNative.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
