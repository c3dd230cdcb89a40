using RnnNative.Data;

namespace RnnNative.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<IdxElementType, int, bool> TypesRanksCompression()
    {
        var data = new TheoryData<IdxElementType, int, bool>();
        foreach (var type in Enum.GetValues<IdxElementType>())
            for (int rank = 1; rank <= 4; rank++)
                foreach (bool gz in new[] { false, true })
                    data.Add(type, rank, gz);
        return data;
    }

    private static readonly int[][] DimsByRank = [[], [5], [3, 4], [2, 3, 4], [2, 1, 3, 2]];

    [Theory]
    [MemberData(nameof(TypesRanksCompression))]
    public void ReadsEveryTypeAndRankFromFileStreamAndTrickle(IdxElementType type, int rank, bool gz)
    {
        int[] dims = DimsByRank[rank];
        double[] values = DataFiles.Values(type, dims.Aggregate(1, (a, b) => a * b), seed: rank * 31 + (int)type);
        byte[] bytes = DataFiles.Idx(type, dims, values);
        if (gz) bytes = DataFiles.Gzip(bytes);
        string path = _temp.Write(gz ? "a.idx.gz" : "a.idx", bytes);

        foreach (var array in new[]
                 {
                     IdxReader.Read(path),
                     IdxReader.Read(new MemoryStream(bytes)),
                     IdxReader.Read(new TrickleStream(bytes)),
                 })
        {
            Assert.Equal(type, array.ElementType);
            Assert.Equal(dims, array.Dims);
            Assert.Equal(values, AsDoubles(array.Data));
        }
    }

    [Fact]
    public void GzipIsDetectedByContentNotName()
    {
        byte[] raw = DataFiles.Idx(IdxElementType.UInt8, [3], [1, 2, 3]);
        string gzNamedRaw = _temp.Write("raw.gz", raw);
        string rawNamedGz = _temp.Write("gz.idx", DataFiles.Gzip(raw));
        Assert.Equal(new byte[] { 1, 2, 3 }, (byte[])IdxReader.Read(gzNamedRaw).Data);
        Assert.Equal(new byte[] { 1, 2, 3 }, (byte[])IdxReader.Read(rawNamedGz).Data);
    }

    [Fact]
    public void ConvertsToScaledFloatsAndInts()
    {
        var bytes = DataFiles.Idx(IdxElementType.UInt8, [2, 2], [0, 51, 255, 102]);
        var array = IdxReader.Read(new MemoryStream(bytes));
        Assert.Equal(new[] { 0f, 0.2f, 1f, 0.4f }, array.ToSingle(1f / 255f), new FloatTolerance(1e-7f));
        Assert.Equal(new[] { 0, 51, 255, 102 }, array.ToInt32());
        var signed = IdxReader.Read(new MemoryStream(DataFiles.Idx(IdxElementType.Int8, [3], [-128, -1, 127])));
        Assert.Equal(new[] { -128, -1, 127 }, signed.ToInt32());
        Assert.Equal(new[] { -64f, -0.5f, 63.5f }, signed.ToSingle(0.5f));
        var floats = IdxReader.Read(new MemoryStream(DataFiles.Idx(IdxElementType.Double, [2], [3, -7])));
        Assert.Equal(new[] { 3, -7 }, floats.ToInt32());
        var fractional = IdxReader.Read(new MemoryStream(DataFiles.Idx(IdxElementType.Single, [2], [1, 2.5])));
        Assert.Contains("element 1 is 2.5, not an integer", Assert.Throws<DataFormatException>(() => fractional.ToInt32()).Message);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0 }, "shorter than the 4-byte magic")]
    [InlineData(new byte[] { 1, 0, 8, 1, 0, 0, 0, 1, 7 }, "bad magic 01000801")]
    [InlineData(new byte[] { 0, 7, 8, 1, 0, 0, 0, 1, 7 }, "bad magic")]
    [InlineData(new byte[] { 0, 0, 0x0A, 1, 0, 0, 0, 1, 7 }, "unknown element type code 0x0A")]
    [InlineData(new byte[] { 0, 0, 0x08, 0, 7 }, "rank 0")]
    [InlineData(new byte[] { 0, 0, 0x08, 2, 0, 0, 0, 1, 0, 0 }, "truncated header")]
    [InlineData(new byte[] { 0, 0, 0x08, 2, 0, 0, 0, 1, 0, 0, 0, 0 }, "dimension 1 is 0")]
    [InlineData(new byte[] { 0, 0, 0x08, 1, 0x80, 0, 0, 0 }, "dimension 0 is 2147483648")]
    [InlineData(new byte[] { 0, 0, 0x0C, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0 }, "truncated payload")]
    [InlineData(new byte[] { 0, 0, 0x08, 1, 0, 0, 0, 2, 1, 2, 3 }, "trailing bytes")]
    public void CorruptFilesRaiseADataFormatExceptionNamingTheProblem(byte[] bytes, string problem)
    {
        string path = _temp.Write("bad.idx", bytes);
        foreach (byte[] variant in new[] { bytes, DataFiles.Gzip(bytes) })
        {
            string file = _temp.Write("bad-variant", variant);
            foreach (Func<IdxArray> read in new Func<IdxArray>[]
                     {
                         () => IdxReader.Read(file),
                         () => IdxReader.Read(new MemoryStream(variant)),
                         () => IdxReader.Read(new TrickleStream(variant)),
                     })
            {
                var e = Assert.Throws<DataFormatException>(read);
                Assert.Contains(problem, e.Message);
            }
        }
        Assert.StartsWith(path, Assert.Throws<DataFormatException>(() => IdxReader.Read(path)).Message);
    }

    [Fact]
    public void HeaderClaiming2Pow40ElementsIsRejectedBeforeAllocating()
    {
        byte[] bytes = [.. DataFiles.IdxHeader(0x08, 1u << 20, 1u << 20), 1, 2, 3];
        foreach (byte[] variant in new[] { bytes, DataFiles.Gzip(bytes) })
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(new TrickleStream(variant)));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Contains("header claims 1099511627776 elements", e.Message);
            Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes");
        }
    }

    [Fact]
    public void ALyingHeaderWithinTheLimitCostsNoHugeAllocation()
    {
        // 1.5e9 ubyte elements claimed (within the array limit), 3 bytes present.
        byte[] bytes = [.. DataFiles.IdxHeader(0x08, 1_500_000_000u), 1, 2, 3];
        string path = _temp.Write("liar.idx", bytes);
        string gzPath = _temp.Write("liar.idx.gz", DataFiles.Gzip(bytes));
        var cases = new (Func<IdxArray> Read, string Problem)[]
        {
            (() => IdxReader.Read(path), "truncated payload: the header's dims need 1500000000 bytes of data but the file has 3"),
            (() => IdxReader.Read(gzPath), "more than this gzip file can inflate to"),
            (() => IdxReader.Read(new TrickleStream(bytes)), "truncated payload"),
            (() => IdxReader.Read(new TrickleStream(DataFiles.Gzip(bytes))), "truncated payload"),
        };
        foreach (var (read, problem) in cases)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<DataFormatException>(read);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Contains(problem, e.Message);
            Assert.True(allocated < 8 << 20, $"allocated {allocated} bytes for: {e.Message}");
        }
    }

    [Fact]
    public void CorruptGzipIsADataFormatException()
    {
        byte[] gz = DataFiles.Gzip(DataFiles.Idx(IdxElementType.Int16, [64], DataFiles.Values(IdxElementType.Int16, 64, 1)));
        byte[] garbled = (byte[])gz.Clone();
        for (int i = 10; i < garbled.Length - 8; i++) garbled[i] ^= 0x5A;
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(new MemoryStream(garbled), "x.gz"));
        Assert.Matches("corrupt gzip|truncated|bad magic|trailing|unknown element type|rank 0|dimension", e.Message);
        var cut = Assert.Throws<DataFormatException>(() => IdxReader.Read(new MemoryStream(gz[..(gz.Length / 2)]), "cut.gz"));
        Assert.Matches("corrupt gzip|truncated", cut.Message);
    }

    [Fact]
    public void LargePayloadGrowsCorrectlyWhenTheLengthIsUnknown()
    {
        // 3 MiB of int32 through a non-seekable stream crosses the 4 MiB initial chunk and the doubling.
        int count = 3 << 20;
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = i * 7 - count;
        byte[] bytes = DataFiles.Idx(IdxElementType.Int32, [count], values);
        var array = IdxReader.Read(new TrickleStream(bytes, maxChunk: 1 << 16));
        var data = (int[])array.Data;
        Assert.Equal(count, data.Length);
        for (int i = 0; i < count; i += 9973) Assert.Equal(i * 7 - count, data[i]);
        Assert.Equal((count - 1) * 7 - count, data[^1]);
    }

    // sbyte[] first: the CLR lets an sbyte[] match a byte[] pattern.
    internal static double[] AsDoubles(Array data) => data switch
    {
        sbyte[] a when data.GetType() == typeof(sbyte[]) => a.Select(v => (double)v).ToArray(),
        byte[] a => a.Select(v => (double)v).ToArray(),
        short[] a => a.Select(v => (double)v).ToArray(),
        int[] a => a.Select(v => (double)v).ToArray(),
        float[] a => a.Select(v => (double)v).ToArray(),
        double[] a => a,
        _ => throw new ArgumentException(data.GetType().Name),
    };
}

internal sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
{
    public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
    public int GetHashCode(float obj) => 0;
}
