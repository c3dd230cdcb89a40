using System.Buffers.Binary;

namespace RnnNative.Data;

/// <summary>
/// Reads IDX files (the MNIST format), raw or gzip-compressed (detected by the 1f 8b magic, not the name).
/// </summary>
/// <remarks>
/// Layout: magic <c>00 00 TT RR</c> (TT = element type code, RR = rank ≥ 1), then RR big-endian uint32
/// dimensions, then prod(dims) big-endian elements, row-major, and nothing after them.
/// Every header is validated before any allocation: dims positive, the byte count at most
/// <see cref="MaxPayloadBytes"/>, and no more than the file can hold (exactly equal for a raw file; at most
/// the deflate ratio limit of 1032:1 for a gzip file). The payload is read straight into the typed result
/// array; when its length cannot be known in advance (gzip or a non-seekable stream) the array grows
/// geometrically with the data actually read (never from the header or the gzip ISIZE trailer, both of which
/// can lie), so the memory allocated is at most ~4x the bytes read plus a 64 KiB first chunk.
/// </remarks>
public static class IdxReader
{
    /// <summary>Largest payload accepted, in bytes (the largest .NET byte array).</summary>
    public static readonly long MaxPayloadBytes = Array.MaxLength;

    private const int InitialChunkBytes = 1 << 16;

    /// <summary>Reads the IDX file at <paramref name="path"/> (raw or .gz).</summary>
    /// <exception cref="DataFormatException">The file is not a well-formed IDX file; the message says why.</exception>
    public static IdxArray Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Read(file, path);
    }

    /// <summary>Reads one IDX array from <paramref name="stream"/> (raw or gzip), which must end after it.</summary>
    /// <param name="stream">Read to its end; left open.</param>
    /// <param name="sourceName">Name used in error messages (a file path).</param>
    /// <exception cref="DataFormatException">The content is not a well-formed IDX array; the message says why.</exception>
    public static IdxArray Read(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long? remaining = stream.CanSeek ? stream.Length - stream.Position : null;
        using var decoded = DataStreams.Decode(stream, out bool gzip);
        var bound = gzip
            ? new PayloadBound(null, remaining is long r ? DataStreams.MaxInflatedSize(r) : null)
            : new PayloadBound(remaining, remaining);
        return DataStreams.Guard(sourceName, () => ReadDecoded(decoded, sourceName, bound));
    }

    /// <summary>What is known of the decoded length before reading: exact (a raw seekable stream), an upper bound.</summary>
    private readonly record struct PayloadBound(long? Exact, long? Upper);

    private static IdxArray ReadDecoded(Stream s, string? source, PayloadBound bound)
    {
        var (type, dims, count) = IdxHeader.Read(s, source);
        long headerBytes = 4 + 4L * dims.Length;
        long payloadBytes = count * IdxElementTypes.SizeOf(type);
        CheckAgainstBound(source, headerBytes, payloadBytes, bound);
        bool allocateAll = bound.Exact is not null; // the file's length is checked, so the bytes are there
        Array data = type switch
        {
            IdxElementType.UInt8 => ReadPayload<byte>(s, (int)count, allocateAll, source),
            IdxElementType.Int8 => ReadPayload<sbyte>(s, (int)count, allocateAll, source),
            IdxElementType.Int16 => ReadPayload<short>(s, (int)count, allocateAll, source),
            IdxElementType.Int32 => ReadPayload<int>(s, (int)count, allocateAll, source),
            IdxElementType.Single => ReadPayload<float>(s, (int)count, allocateAll, source),
            _ => ReadPayload<double>(s, (int)count, allocateAll, source),
        };
        return new IdxArray(type, dims, data);
    }

    private static void CheckAgainstBound(string? source, long headerBytes, long payloadBytes, PayloadBound bound)
    {
        if (bound.Exact is long total)
        {
            long present = total - headerBytes;
            if (present < payloadBytes)
                throw new DataFormatException(source,
                    $"truncated payload: the header's dims need {payloadBytes} bytes of data but the file has {present}.");
            if (present > payloadBytes)
                throw new DataFormatException(source,
                    $"{present - payloadBytes} trailing bytes after the {payloadBytes}-byte payload the header's dims describe.");
        }
        else if (bound.Upper is long upper && headerBytes + payloadBytes > upper)
        {
            throw new DataFormatException(source,
                $"header claims {payloadBytes} bytes of data, more than this gzip file can inflate to (at most {upper}).");
        }
    }

    // Reads `count` big-endian elements straight into the result array, then checks nothing follows them.
    private static T[] ReadPayload<T>(Stream s, int count, bool allocateAll, string? source) where T : unmanaged
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var data = new T[allocateAll ? count : Math.Min(count, InitialChunkBytes / size)];
        long filled = 0;
        while (true)
        {
            var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan());
            if (filled == bytes.Length)
            {
                if (data.Length == count) break;
                Array.Resize(ref data, (int)Math.Min(2L * data.Length, count)); // grow only with data present
                continue;
            }
            int n = s.Read(bytes[(int)filled..]);
            if (n == 0)
                throw new DataFormatException(source,
                    $"truncated payload: the header's dims need {(long)count * size} bytes of data but the stream ends after {filled}.");
            filled += n;
        }
        Span<byte> probe = stackalloc byte[1];
        if (s.Read(probe) != 0)
            throw new DataFormatException(source, $"trailing bytes after the {filled}-byte payload the header's dims describe.");
        FromBigEndian(data);
        return data;
    }

    private static void FromBigEndian<T>(T[] data) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) return;
        var span = data.AsSpan();
        switch (System.Runtime.CompilerServices.Unsafe.SizeOf<T>())
        {
            case 2: var s16 = System.Runtime.InteropServices.MemoryMarshal.Cast<T, short>(span); BinaryPrimitives.ReverseEndianness(s16, s16); break;
            case 4: var s32 = System.Runtime.InteropServices.MemoryMarshal.Cast<T, int>(span); BinaryPrimitives.ReverseEndianness(s32, s32); break;
            case 8: var s64 = System.Runtime.InteropServices.MemoryMarshal.Cast<T, long>(span); BinaryPrimitives.ReverseEndianness(s64, s64); break;
        }
    }
}
