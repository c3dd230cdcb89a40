namespace RnnNative.Tests.Onnx;

/// <summary>The protobuf writer against bytes worked out by hand from the wire-format rules.</summary>
public class ProtoWriterTests
{
    private static byte[] Write(Action<ProtoWriter> write)
    {
        var w = new ProtoWriter();
        write(w);
        return w.ToArray();
    }

    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(1UL, new byte[] { 0x01 })]
    [InlineData(127UL, new byte[] { 0x7F })]
    [InlineData(128UL, new byte[] { 0x80, 0x01 })]
    [InlineData(300UL, new byte[] { 0xAC, 0x02 })]
    [InlineData(ulong.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void VarintsAreBase128LittleEndianGroups(ulong value, byte[] expected) =>
        Assert.Equal(expected, Write(w => w.Varint(value)));

    [Fact]
    public void FieldsCarryTheirKeyAndWireType()
    {
        // field 1 varint 150: key (1 << 3 | 0) = 08, 150 = 0x96 = 1001_0110 → 96 01.
        Assert.Equal([0x08, 0x96, 0x01], Write(w => w.Int64(1, 150)));
        // A negative int64 is its 64-bit two's complement: ten bytes.
        Assert.Equal([0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], Write(w => w.Int64(3, -1)));
        // field 2 string "testing": key 2 << 3 | 2 = 0x12, length 7, UTF-8.
        Assert.Equal([0x12, 0x07, (byte)'t', (byte)'e', (byte)'s', (byte)'t', (byte)'i', (byte)'n', (byte)'g'], Write(w => w.String(2, "testing")));
        Assert.Empty(Write(w => w.String(2, "")));
        Assert.Equal([0x0A, 0x00], Write(w => w.RepeatedString(1, "")));
        // field 2 float 1.5 (0x3FC00000): key 2 << 3 | 5 = 0x15, little-endian.
        Assert.Equal([0x15, 0x00, 0x00, 0xC0, 0x3F], Write(w => w.Float(2, 1.5f)));
        // field 20 varint 7: key 20 << 3 = 160 → A0 01.
        Assert.Equal([0xA0, 0x01, 0x07], Write(w => w.Int64(20, 7)));
    }

    [Fact]
    public void PackedFieldsAndNestedMessagesAreLengthDelimited()
    {
        // field 4 packed floats 1, −2: key 0x22, 8 bytes, 1f = 3F800000, −2f = C0000000 (little-endian).
        Assert.Equal([0x22, 0x08, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0], Write(w => w.PackedFloats(4, [1f, -2f])));
        // field 4 packed int64 3, 270, 86942: varints 03, 8E 02, 9E A7 05 → length 6.
        Assert.Equal([0x22, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05], Write(w => w.PackedInt64s(4, [3, 270, 86942])));
        // field 3 message { field 1 varint 150 }: key 0x1A, length 3.
        Assert.Equal([0x1A, 0x03, 0x08, 0x96, 0x01], Write(w => w.Message(3, m => m.Int64(1, 150))));
    }

    [Fact]
    public void FieldNumbersOutsideTheProtobufRangeThrow()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Write(w => w.Int64(0, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Write(w => w.Int64(1 << 29, 1)));
    }
}
