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
    /// A gzip stream that ends before its trailer (a truncated file) throws <see cref="InvalidDataException"/>
    /// at its end instead of ending quietly (see <see cref="GzipEndCheckStream"/>).
    /// <paramref name="raw"/> stays open; disposing the result does not close it.
    /// </summary>
    public static Stream Decode(Stream raw, out bool gzip)
    {
        var head = new byte[2];
        int got = ReadUpTo(raw, head);
        Stream replay = new PrefixedStream(head.AsMemory(0, got), raw);
        gzip = got == 2 && head[0] == 0x1F && head[1] == 0x8B;
        if (!gzip) return replay;
        var tail = new TailKeepingStream(replay);
        return new GzipEndCheckStream(new GZipStream(tail, CompressionMode.Decompress, leaveOpen: false), tail);
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

/// <summary>Passes reads through and keeps the last 8 bytes seen (a gzip member's CRC32 and ISIZE trailer).</summary>
internal sealed class TailKeepingStream(Stream inner) : ForwardReadStream
{
    private readonly byte[] _tail = new byte[8];

    /// <summary>Bytes read so far through this stream.</summary>
    public long Position64 { get; private set; }

    /// <summary>ISIZE: the little-endian uint32 of the last 4 bytes read, or null when fewer than 8 were read.</summary>
    public uint? SizeTrailer => Position64 < 8 ? null : System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(_tail.AsSpan(4));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        if (n >= 8) buffer.Slice(n - 8, 8).CopyTo(_tail);
        else if (n > 0)
        {
            _tail.AsSpan(n).CopyTo(_tail); // shift left by n (overlap-safe: Span.CopyTo is memmove)
            buffer[..n].CopyTo(_tail.AsSpan(8 - n));
        }
        Position64 += n;
        return n;
    }
}

/// <summary>
/// The decoded side of a gzip stream. .NET's <see cref="GZipStream"/> ends quietly when its input stops inside
/// the deflate data (a truncated file); at the end this compares the bytes decoded with ISIZE, the last member's
/// size mod 2^32 recorded in the last 4 bytes of the file, and throws when they differ. A truncated file's last
/// bytes are deflate data, so they match by chance with probability 2^-32. Trade-off: a multi-member
/// (concatenated) gzip file records only its last member's size there, so it is rejected as damaged; data files
/// written by gzip, Python or .NET are single-member.
/// </summary>
internal sealed class GzipEndCheckStream(GZipStream inner, TailKeepingStream raw) : ForwardReadStream
{
    private long _decoded;
    private bool _checked;

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        int n = inner.Read(buffer);
        _decoded += n;
        if (n == 0 && !_checked)
        {
            _checked = true;
            if (raw.SizeTrailer is not uint size || size != (uint)_decoded)
                throw new InvalidDataException(
                    $"the gzip stream ends early: {_decoded} bytes decoded from {raw.Position64} compressed bytes, " +
                    $"but its trailer records {(raw.SizeTrailer is uint s ? s.ToString() : "nothing")}; the file is truncated or damaged");
        }
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
