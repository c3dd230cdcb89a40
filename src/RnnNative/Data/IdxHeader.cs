using System.Buffers.Binary;

namespace RnnNative.Data;

/// <summary>Parses and validates the IDX magic and dimensions, before anything is allocated for the payload.</summary>
internal static class IdxHeader
{
    /// <summary>Reads the header; returns the element type, dims and element count (≤ the payload limit).</summary>
    public static (IdxElementType Type, int[] Dims, long Count) Read(Stream s, string? source)
    {
        Span<byte> magic = stackalloc byte[4];
        int got = DataStreams.ReadUpTo(s, magic);
        if (got < 4)
            throw new DataFormatException(source, $"not an IDX file: {got} bytes, shorter than the 4-byte magic number.");
        if (magic[0] != 0 || magic[1] != 0)
            throw new DataFormatException(source,
                $"bad magic {Convert.ToHexString(magic)}: an IDX file starts with two zero bytes, a type code and a rank.");
        if (!IdxElementTypes.IsDefined(magic[2]))
            throw new DataFormatException(source,
                $"unknown element type code 0x{magic[2]:X2} (IDX defines 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E).");
        var type = (IdxElementType)magic[2];
        int rank = magic[3];
        if (rank == 0) throw new DataFormatException(source, "rank 0 in the magic number: an IDX array has at least one dimension.");
        int[] dims = ReadDims(s, source, rank);
        return (type, dims, CountElements(source, dims, IdxElementTypes.SizeOf(type)));
    }

    private static int[] ReadDims(Stream s, string? source, int rank)
    {
        Span<byte> raw = stackalloc byte[4 * rank];
        int got = DataStreams.ReadUpTo(s, raw);
        if (got < raw.Length)
            throw new DataFormatException(source, $"truncated header: rank {rank} needs {raw.Length} bytes of dimensions, found {got}.");
        var dims = new int[rank];
        for (int k = 0; k < rank; k++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(raw[(4 * k)..]);
            if (d == 0) throw new DataFormatException(source, $"dimension {k} is 0; IDX dimensions must be positive.");
            if (d > int.MaxValue) throw new DataFormatException(source, $"dimension {k} is {d}, larger than {int.MaxValue}.");
            dims[k] = (int)d;
        }
        return dims;
    }

    // The element count, rejecting any header whose byte count passes the limit (no overflow: each factor < 2^31
    // and the running product stays ≤ 2^31 before each multiplication).
    private static long CountElements(string? source, int[] dims, int elementSize)
    {
        long limit = IdxReader.MaxPayloadBytes / elementSize;
        long count = 1;
        foreach (int d in dims)
        {
            count *= d;
            if (count > limit)
            {
                double claimed = 1;
                foreach (int e in dims) claimed *= e;
                throw new DataFormatException(source,
                    $"header claims {claimed:0} elements of {elementSize} bytes (dims [{string.Join(", ", dims)}]), " +
                    $"more than the {IdxReader.MaxPayloadBytes}-byte limit of one array.");
            }
        }
        return count;
    }
}
