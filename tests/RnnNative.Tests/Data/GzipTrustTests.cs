using System.Buffers.Binary;
using RnnNative.Data;

namespace RnnNative.Tests.Data;

/// <summary>Gzip inputs that lie: a forged size trailer, a file cut short.</summary>
public sealed class GzipTrustTests
{
    // A gzip IDX whose header claims ~1000x the file size and whose ISIZE trailer is forged to agree with it:
    // the reader used to allocate the claimed payload up front. Now memory follows the bytes actually decoded.
    [Fact]
    public void ForgedSizeTrailerDoesNotAllocateTheClaimedPayload()
    {
        var rng = new Random(7);
        byte[] payload = new byte[64 << 10];
        rng.NextBytes(payload); // incompressible: the file is ~64 KiB
        uint claimed = 1000u * (uint)payload.Length;
        byte[] gz = DataFiles.Gzip([.. DataFiles.IdxHeader(0x08, claimed), .. payload]);
        BinaryPrimitives.WriteUInt32LittleEndian(gz.AsSpan(gz.Length - 4), claimed + 8); // ISIZE = header + claimed

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(new MemoryStream(gz), "forged.idx.gz"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("forged.idx.gz", e.Message);
        Assert.True(allocated < 16L * gz.Length + (1 << 20),
            $"allocated {allocated} bytes for a {gz.Length}-byte file claiming {claimed} (bound 16 x size + 1 MiB)");
    }

    [Fact]
    public void TruncatedCsvGzipIsReportedAsTruncatedNotAsARaggedRow()
    {
        var text = new System.Text.StringBuilder();
        for (int r = 0; r < 4000; r++) text.Append($"{r % 7},{r % 11},{(r * 31) % 97},{r % 3}\n");
        byte[] gz = DataFiles.Gzip(DataFiles.Utf8(text.ToString()));
        foreach (int cut in new[] { gz.Length / 3, gz.Length / 2, gz.Length - 9 })
        {
            var e = Assert.Throws<DataFormatException>(() => CsvDataset.Load(new MemoryStream(gz[..cut]), "cut.csv.gz"));
            Assert.Contains("truncated", e.Message);
            Assert.DoesNotContain("ragged", e.Message);
        }
        Assert.Equal(4000, CsvDataset.Load(new MemoryStream(gz), "whole.csv.gz").Count); // the whole file still reads
    }

    [Fact]
    public void TruncatedIdxGzipIsReportedAsTruncated()
    {
        byte[] raw = DataFiles.Idx(IdxElementType.Int32, [4096], DataFiles.Values(IdxElementType.Int32, 4096, 3));
        byte[] gz = DataFiles.Gzip(raw);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(new TrickleStream(gz[..(gz.Length - 6)], 512), "cut.idx.gz"));
        Assert.Contains("truncated", e.Message);
    }
}
