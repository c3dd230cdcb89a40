using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using RnnNative.Data;
using RnnNative.Models;
using RnnNative.Training;

namespace RnnNative.Tests.Data.Fuzzing;

/// <summary>The fuzzed readers: the IDX reader, the CSV reader (classification set and series) and the checkpoint loader.</summary>
internal static class FuzzTargets
{
    /// <summary>
    /// IDX: read from a seekable stream and from a non-seekable trickle. Bound: the payload array grows by
    /// doubling with the bytes decoded, so all its versions sum to at most 4x the decoded bytes; two reads make
    /// 8x; 1 MiB covers the 64 KiB first chunk and the inflater's buffers.
    /// </summary>
    public static FuzzTarget Idx() => new("idx", FuzzTests.IdxSeeds(),
        bytes =>
        {
            IdxReader.Read(new MemoryStream(bytes), "fuzz.idx");
            IdxReader.Read(new TrickleStream(bytes, 4096), "fuzz.idx");
        },
        typeof(DataFormatException),
        bytes => 8 * DecodedLength(bytes) + (1 << 20));

    /// <summary>
    /// CSV: a classification set and a series. Bound: each field becomes a .NET string (≥ 24 bytes for a 2-byte
    /// "0,") and a float in a doubling list (≤ 16 bytes amortised); two readers, plus the copies to arrays:
    /// 64 bytes per decoded byte; 4 MiB covers CsvHelper's and the decoders' buffers.
    /// </summary>
    public static FuzzTarget Csv() => new("csv", FuzzTests.CsvSeeds(),
        bytes =>
        {
            CsvDataset.Load(new MemoryStream(bytes), "fuzz.csv");
            CsvDataset.LoadSeries(new MemoryStream(bytes), "fuzz.csv", steps: 2);
        },
        typeof(DataFormatException),
        bytes => 64 * DecodedLength(bytes) + (4 << 20));

    /// <summary>
    /// Checkpoints, through the public <see cref="Checkpoint.Load"/> of a file. Seeds come from the current writer
    /// (so they follow the format). Reseal fixes the length and SHA-256 of the envelope so mutations reach the
    /// payload. Bound: the file read once (1x), names and JSON as UTF-16 strings (2x), the JSON parser's and
    /// the tensors' copies: 16x the file; 1 MiB for the serializer's caches.
    /// </summary>
    public static FuzzTarget Checkpoints(string scratchFile) => new("ckpt", CheckpointSeeds(),
        bytes =>
        {
            File.WriteAllBytes(scratchFile, bytes);
            Checkpoint.Load(scratchFile);
        },
        typeof(CheckpointException),
        bytes => 16L * bytes.Length + (1 << 20),
        ResealCheckpoint);

    private static List<byte[]> CheckpointSeeds()
    {
        var seeds = new List<byte[]>();
        foreach (var (cell, layers) in new[] { (CellType.Basic, 1), (CellType.Lstm, 1), (CellType.Gru, 2) })
        {
            var options = new SequenceClassifierOptions { Steps = 2, Inputs = 3, Units = 2, Layers = layers, Classes = 3, Cell = cell, Seed = 1 };
            var model = new SequenceClassifier(options);
            using var session = new Session(model.Graph, new SessionOptions { Backend = RnnNative.Blas.BlasKind.Managed });
            session.Run(model.Graph.GlobalVariablesInitializer());
            using var folder = new TempFolder();
            string path = Path.Combine(folder.Path, "seed.ckpt");
            var checkpoint = Checkpoint.Capture(session, options, new Dictionary<string, string> { ["epoch"] = "1" });
            if (cell == CellType.Gru) checkpoint = checkpoint.WithResume(ResumeSeed(session, model)); // a resume.ckpt (format 3)
            checkpoint.Save(path);
            seeds.Add(File.ReadAllBytes(path));
        }
        return seeds;
    }

    private static ResumeState ResumeSeed(Session session, SequenceClassifier model) =>
        new(new TrainingState(2, 1, 5, 42), 1.5, OptimizerState.Capture(session, model.TrainOp))
        {
            DropoutSteps = new Dictionary<string, long> { ["dropout"] = 5 },
            Stopping = new EarlyStoppingState(1, 0.5, 0),
            RunOptions = new Dictionary<string, string> { ["--units"] = "2", ["history"] = "[]" },
        };

    // Envelope of the current format: magic (8), version (4), 0 (4), int64 payload length, SHA-256 (32), payload.
    private static byte[] ResealCheckpoint(byte[] bytes)
    {
        const int header = 8 + 4 + 4 + 8 + 32;
        if (bytes.Length < header || !bytes.AsSpan(0, 8).SequenceEqual("RNNCKPT\x1A"u8)) return bytes;
        var copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt64LittleEndian(copy.AsSpan(16), copy.Length - header);
        SHA256.HashData(copy.AsSpan(header), copy.AsSpan(24, 32));
        return copy;
    }

    // Bytes the reader can see: the input, or what a gzip input inflates to (read up to 256 MiB).
    private static long DecodedLength(byte[] bytes)
    {
        if (bytes.Length < 2 || bytes[0] != 0x1F || bytes[1] != 0x8B) return bytes.Length;
        long total = 0;
        var buffer = new byte[1 << 16];
        try
        {
            using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            int n;
            while (total < (256L << 20) && (n = gz.Read(buffer)) > 0) total += n;
        }
        catch (InvalidDataException)
        {
        }
        return Math.Max(total, bytes.Length);
    }
}
