namespace RnnNative.Data;

/// <summary>The element type code of an IDX file (third byte of the magic number).</summary>
public enum IdxElementType : byte
{
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 0x08,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 0x09,
    /// <summary>Signed 16-bit big-endian integer.</summary>
    Int16 = 0x0B,
    /// <summary>Signed 32-bit big-endian integer.</summary>
    Int32 = 0x0C,
    /// <summary>32-bit big-endian IEEE float.</summary>
    Single = 0x0D,
    /// <summary>64-bit big-endian IEEE double.</summary>
    Double = 0x0E,
}

internal static class IdxElementTypes
{
    public static bool IsDefined(byte code) =>
        code is 0x08 or 0x09 or 0x0B or 0x0C or 0x0D or 0x0E;

    public static int SizeOf(IdxElementType type) => type switch
    {
        IdxElementType.UInt8 or IdxElementType.Int8 => 1,
        IdxElementType.Int16 => 2,
        IdxElementType.Int32 or IdxElementType.Single => 4,
        IdxElementType.Double => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an IDX element type."),
    };

    public static bool IsInteger(IdxElementType type) => type is not (IdxElementType.Single or IdxElementType.Double);
}
