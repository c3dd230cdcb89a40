using RnnNative.Models;
using RnnNative.Tests.Data;
using RnnNative.Training;

namespace RnnNative.Tests.Training;

public class CheckpointTests
{
    private static readonly SequenceClassifierOptions Small = new()
    {
        Steps = 3, Inputs = 2, Units = 4, Layers = 2, Classes = 3, Cell = CellType.Gru,
        LearningRate = 0.02f, Seed = 5, UseSequenceLengths = true, ClipNorm = 1.5f,
    };

    // A model after two Adam steps on random data, so no variable holds its initial value.
    private static (SequenceClassifier Model, Session Session, FeedDict Feeds) Trained()
    {
        var model = new SequenceClassifier(Small);
        var session = new Session(model.Graph);
        session.Run(model.Graph.GlobalVariablesInitializer());
        var rng = new Random(3);
        var x = new float[4 * 3 * 2];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        var feeds = new FeedDict
        {
            [model.X] = Tensor.FromArray(x, 4, 3, 2),
            [model.Y] = Tensor.FromArray(new[] { 0, 2, 1, 2 }, 4),
            [model.Lengths!] = Tensor.FromArray(new[] { 3, 1, 2, 3 }, 4),
        };
        session.Run(model.TrainOp, feeds);
        session.Run(model.TrainOp, feeds);
        return (model, session, feeds);
    }

    private static string SaveTrained(TempFolder folder)
    {
        var (_, session, _) = Trained();
        using (session)
        {
            string path = Path.Combine(folder.Path, "model.ckpt");
            Checkpoint.Capture(session, Small, new Dictionary<string, string> { ["epoch"] = "7" }).Save(path);
            return path;
        }
    }

    [Fact]
    public void RoundTripRestoresBitIdenticalValuesOptionsAndMetadata()
    {
        using var folder = new TempFolder();
        var (model, session, feeds) = Trained();
        using var _ = session;
        string path = Path.Combine(folder.Path, "model.ckpt");
        Checkpoint.Capture(session, Small, new Dictionary<string, string> { ["epoch"] = "7", ["note"] = "ünïcode" }).Save(path);

        var loaded = Checkpoint.Load(path);
        Assert.Equal(Small, loaded.ClassifierOptions);
        Assert.Equal("7", loaded.Metadata["epoch"]);
        Assert.Equal("ünïcode", loaded.Metadata["note"]);
        var rebuilt = new SequenceClassifier(loaded.ClassifierOptions);
        using var restored = new Session(rebuilt.Graph);
        loaded.Restore(restored, path);
        Assert.Equal(model.Graph.GlobalVariables.Count, rebuilt.Graph.GlobalVariables.Count);
        for (int i = 0; i < model.Graph.GlobalVariables.Count; i++)
        {
            var (a, b) = (model.Graph.GlobalVariables[i], rebuilt.Graph.GlobalVariables[i]);
            Assert.Equal(a.Name, b.Name);
            Assert.Equal(Bits(session.Read(a)), Bits(restored.Read(b)));
        }
        var feeds2 = new FeedDict { [rebuilt.X] = feeds[model.X], [rebuilt.Y] = feeds[model.Y], [rebuilt.Lengths!] = feeds[model.Lengths!] };
        Assert.Equal(Bits(session.Run(model.Logits, feeds)!), Bits(restored.Run(rebuilt.Logits, feeds2)!));
    }

    [Fact]
    public void TruncatedFileIsRejectedAtEveryLength()
    {
        using var folder = new TempFolder();
        byte[] bytes = File.ReadAllBytes(SaveTrained(folder));
        string cut = Path.Combine(folder.Path, "cut.ckpt");
        foreach (int length in new[] { 0, 5, 8, 20, 55, 56, 57, bytes.Length / 2, bytes.Length - 1 })
        {
            File.WriteAllBytes(cut, bytes[..length]);
            var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(cut));
            Assert.Contains(cut, e.Message);
            Assert.Contains(length < 8 ? "not an RnnNative checkpoint" : "truncated", e.Message);
        }
    }

    [Fact]
    public void FlippedBitsAreRejected()
    {
        using var folder = new TempFolder();
        byte[] bytes = File.ReadAllBytes(SaveTrained(folder));
        string bad = Path.Combine(folder.Path, "bad.ckpt");
        var rng = new Random(11);
        for (int trial = 0; trial < 40; trial++)
        {
            int position = trial < 8 ? trial : rng.Next(bytes.Length);
            var copy = (byte[])bytes.Clone();
            copy[position] ^= (byte)(1 << rng.Next(8));
            File.WriteAllBytes(bad, copy);
            var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(bad));
            string expected = position switch
            {
                < 8 => "not an RnnNative checkpoint",
                < 12 => "format version",
                < 16 => "reserved header field",
                < 24 => "truncated|unexpected bytes", // the payload length
                _ => "SHA-256",                      // the hash itself or the payload
            };
            Assert.Matches(expected, e.Message);
        }
    }

    [Fact]
    public void IncompatibleModelIsRejectedNamingTheVariable()
    {
        using var folder = new TempFolder();
        var checkpoint = Checkpoint.Load(SaveTrained(folder));
        var other = new SequenceClassifier(Small with { Units = 5 });
        using var session = new Session(other.Graph);
        var e = Assert.Throws<CheckpointException>(() => checkpoint.Restore(session, "m.ckpt"));
        Assert.Contains("m.ckpt is incompatible", e.Message);
        Assert.Contains("gates/kernel' is (6, 8) there", e.Message); // GRU gates of layer 1: (inputs 2 + units 4, 2 * 4)
        Assert.Contains("but (7, 10) in the model", e.Message);                 // (2 + 5, 2 * 5)
    }

    [Fact]
    public void FailedWriteKeepsTheOldFileAndLeavesNoTemporaryFile()
    {
        using var folder = new TempFolder();
        string path = SaveTrained(folder);
        byte[] before = File.ReadAllBytes(path);
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(before.AsSpan(0, before.Length / 2));
            throw new IOException("disk full (simulated)");
        }));
        Assert.Equal("disk full (simulated)", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
        Checkpoint.Load(path);
    }

    [Fact]
    public void SavingOverAFolderFailsWithoutLeavingTemporaryFiles()
    {
        using var folder = new TempFolder();
        string target = Path.Combine(folder.Path, "taken");
        Directory.CreateDirectory(target);
        var (_, session, _) = Trained();
        using var _s = session;
        Assert.ThrowsAny<IOException>(() => Checkpoint.Capture(session, Small).Save(target));
        Assert.Empty(Directory.GetFiles(folder.Path));
        Assert.True(Directory.Exists(target));
    }

    private static int[] Bits(Tensor t) => t.ToFloatArray().Select(BitConverter.SingleToInt32Bits).ToArray();
}
