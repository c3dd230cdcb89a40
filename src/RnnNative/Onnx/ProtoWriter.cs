using System.Buffers.Binary;
using System.Text;

namespace RnnNative;

/// <summary>
/// Protocol Buffers wire format, the subset ONNX files need: varints, length-delimited fields (strings,
/// bytes, nested messages) and packed repeated floats / int64s. Fields are appended in the order written.
/// </summary>
/// <remarks>
/// A field starts with its key, the varint <c>(field_number &lt;&lt; 3) | wire_type</c>. Wire types: 0 varint
/// (little-endian base-128, 7 bits a byte, high bit = more follows; a negative int64 takes 10 bytes as its
/// two's complement), 2 length-delimited (varint byte count, then the bytes), 5 fixed 32-bit (little-endian).
/// A packed repeated field is one length-delimited field holding the values back to back.
/// </remarks>
internal sealed class ProtoWriter
{
    private const int WireVarint = 0, WireLengthDelimited = 2, WireFixed32 = 5;

    private readonly MemoryStream _bytes = new();

    /// <summary>Bytes written so far.</summary>
    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>A raw base-128 varint.</summary>
    public void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.WriteByte((byte)value);
    }

    /// <summary>An int64 / int32 / enum field (wire type 0).</summary>
    public void Int64(int field, long value)
    {
        Key(field, WireVarint);
        Varint(unchecked((ulong)value));
    }

    /// <summary>A float field (wire type 5).</summary>
    public void Float(int field, float value)
    {
        Key(field, WireFixed32);
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(buffer, value);
        _bytes.Write(buffer);
    }

    /// <summary>A UTF-8 string field (skipped when empty, like proto3's default).</summary>
    public void String(int field, string value)
    {
        if (value.Length == 0) return;
        Bytes(field, Encoding.UTF8.GetBytes(value));
    }

    /// <summary>A string field written even when empty (an element of a repeated string, e.g. an omitted optional node input).</summary>
    public void RepeatedString(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A bytes field.</summary>
    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Key(field, WireLengthDelimited);
        Varint((ulong)value.Length);
        _bytes.Write(value);
    }

    /// <summary>A nested message written by <paramref name="write"/>.</summary>
    public void Message(int field, Action<ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(inner);
        Bytes(field, inner._bytes.GetBuffer().AsSpan(0, (int)inner._bytes.Length));
    }

    /// <summary>A packed repeated float field: 4 little-endian bytes per value.</summary>
    public void PackedFloats(int field, ReadOnlySpan<float> values)
    {
        var buffer = new byte[checked(4 * values.Length)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * i), values[i]);
        Bytes(field, buffer);
    }

    /// <summary>A packed repeated int64 field: one varint per value.</summary>
    public void PackedInt64s(int field, ReadOnlySpan<long> values)
    {
        var inner = new ProtoWriter();
        foreach (long v in values) inner.Varint(unchecked((ulong)v));
        Bytes(field, inner._bytes.GetBuffer().AsSpan(0, (int)inner._bytes.Length));
    }

    private void Key(int field, int wireType)
    {
        if (field <= 0 || field >= 1 << 29) throw new ArgumentOutOfRangeException(nameof(field), $"Invalid protobuf field number {field}.");
        Varint(((ulong)field << 3) | (uint)wireType);
    }
}
