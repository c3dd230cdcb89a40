using System.IO.Compression;

namespace RnnNative.Data;

/// <summary>Opening data files: gzip detected by its magic bytes (1f 8b), never by the file name.</summary>
internal static class DataStreams
{
    /// <summary>Deflate cannot compress better than ~1032:1; a gzip file of c bytes inflates to at most this.</summary>
    public static long MaxInflatedSize(long compressedLength) => compressedLength * 1032L + 1024L;

    /// <summary>
    /// Returns a stream of the decoded content of <paramref name="raw"/> (inflated when it starts with the gzip
    /// magic) and whether it was gzip. Works on non-seekable streams (the peeked bytes are replayed).
    /// <paramref name="raw"/> stays open; disposing the result does not close it.
    /// </summary>
    public static Stream Decode(Stream raw, out bool gzip)
    {
        var head = new byte[2];
        int got = ReadUpTo(raw, head);
        Stream replay = new PrefixedStream(head.AsMemory(0, got), raw);
        gzip = got == 2 && head[0] == 0x1F && head[1] == 0x8B;
        return gzip ? new GZipStream(replay, CompressionMode.Decompress, leaveOpen: false) : replay;
    }

    /// <summary>
    /// For a seekable gzip stream: the ISIZE trailer (uncompressed size of the last member, mod 2^32), read
    /// without moving the stream; null when the stream cannot seek or is too short. Only a hint.
    /// </summary>
    public static uint? GzipSizeHint(Stream raw)
    {
        if (!raw.CanSeek) return null;
        long start = raw.Position;
        if (raw.Length - start < 18) return null;
        raw.Seek(-4, SeekOrigin.End);
        Span<byte> tail = stackalloc byte[4];
        int got = ReadUpTo(raw, tail);
        raw.Seek(start, SeekOrigin.Begin);
        return got == 4 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tail) : null;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    public static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>Runs <paramref name="read"/>, turning a corrupt gzip stream into a <see cref="DataFormatException"/>.</summary>
    public static T Guard<T>(string? source, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(source, $"corrupt gzip data ({e.Message})", inner: e);
        }
    }
}

/// <summary>A read-only, forward-only stream: subclasses implement <see cref="Read(Span{byte})"/> only.</summary>
internal abstract class ForwardReadStream : Stream
{
    public abstract override int Read(Span<byte> buffer);
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A read-only stream that yields <c>prefix</c> then the rest of <c>inner</c>.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : ForwardReadStream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override int Read(Span<byte> buffer)
    {
        if (_prefix.IsEmpty) return inner.Read(buffer);
        int n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        return n;
    }
}
