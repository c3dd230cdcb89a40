using System.Buffers.Binary;
using System.Security.Cryptography;
using RnnNative.Models;
using RnnNative.Training;

namespace RnnNative.Tests.Training;

/// <summary>Checkpoint format 3: the resume block round-trips bit for bit; versions 1 and 2 still load; newer versions and corrupt blocks are refused clearly.</summary>
public class ResumeStateFormatTests
{
    private const int HeaderBytes = 56; // magic 8, version 4, reserved 4, length 8, SHA-256 32

    private static readonly SequenceClassifierOptions Options = new() { Steps = 2, Inputs = 2, Units = 2, Classes = 2 };

    private static Checkpoint Model() => new(Options, new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray([1f, -2f], 2) },
        new Dictionary<string, string> { ["epoch"] = "3" });

    private static ResumeState State() => new(new TrainingState(3, 2, 14, 42), 0.1 + 0.2,
        new OptimizerState([1.5f, float.Epsilon, -0f], [3e-38f, 7f, 0.25f], 14))
    {
        DropoutSteps = new Dictionary<string, long> { ["dropout"] = 14, ["dropout_1"] = 13 },
        Stopping = new EarlyStoppingState(2, double.NaN, 1),
        RunOptions = new Dictionary<string, string> { ["--units"] = "8", ["history"] = "[]" },
    };

    private static byte[] Rehash(byte[] file, int version)
    {
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(8), version);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(16), file.Length - HeaderBytes);
        SHA256.HashData(file.AsSpan(HeaderBytes), file.AsSpan(24, 32));
        return file;
    }

    private static byte[] Encode(Checkpoint c)
    {
        using var folder = new Data.TempFolder();
        string path = Path.Combine(folder.Path, "c.ckpt");
        c.Save(path);
        return File.ReadAllBytes(path);
    }

    [Fact]
    public void AResumeStateRoundTripsBitForBit()
    {
        var state = State();
        var loaded = Checkpoint.Decode(Encode(Model().WithResume(state)), "resume.ckpt");
        Assert.Equal(3, loaded.Version);
        var r = loaded.Resume!;
        Assert.Equal(state.Position, r.Position);
        Assert.Equal(BitConverter.DoubleToInt64Bits(state.EpochLossSum), BitConverter.DoubleToInt64Bits(r.EpochLossSum));
        Assert.Equal(state.Optimizer.Slot0.Select(BitConverter.SingleToInt32Bits), r.Optimizer.Slot0.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(state.Optimizer.Slot1.Select(BitConverter.SingleToInt32Bits), r.Optimizer.Slot1.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(14, r.Optimizer.Step);
        Assert.Equal(state.DropoutSteps, r.DropoutSteps);
        Assert.Equal(state.Stopping, r.Stopping); // NaN best value included
        Assert.Equal(state.RunOptions, r.RunOptions);
        Assert.Equal([1f, -2f], loaded.Variables["w"].Floats!);
        Assert.Null(Checkpoint.Decode(Encode(Model()), "model.ckpt").Resume); // a model-only checkpoint has none
    }

    [Fact]
    public void AVersion2FileLoadsWithoutResumeState()
    {
        // Version 2's payload is version 3's without the resume block (one byte 0 for a model-only checkpoint).
        byte[] v3 = Encode(Model());
        Assert.Equal(0, v3[^1]);
        var v2 = Checkpoint.Decode(Rehash(v3[..^1], 2), "old.ckpt");
        Assert.Equal(2, v2.Version);
        Assert.Null(v2.Resume);
        Assert.Equal(Options, v2.ClassifierOptions);
        Assert.Equal("3", v2.Metadata["epoch"]);
    }

    [Fact]
    public void ANewerFormatIsRefusedAskingForANewerBuild()
    {
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Decode(Rehash(Encode(Model()), 4), "future.ckpt"));
        Assert.Contains("'future.ckpt' has checkpoint format version 4, written by a newer RnnNative", e.Message);
        Assert.Contains("reads versions 1 to 3", e.Message);
    }

    [Theory]
    [InlineData(0, "the resume block's marker is 7")]                                // marker byte
    [InlineData(1, "the resume position (epoch 0, batch 2, step 14) is impossible")] // epoch
    public void ACorruptResumeBlockWithAValidHashIsRefusedNamingTheProblem(int field, string message)
    {
        byte[] file = Encode(Model().WithResume(State()));
        byte[] modelOnly = Encode(Model());
        int block = modelOnly.Length - 1; // where the resume block starts (the model-only file ends with its 0 marker)
        if (field == 0) file[block] = 7;
        else BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(block + 1), 0);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Decode(Rehash(file, 3), "resume.ckpt"));
        Assert.Contains($"'resume.ckpt' is corrupt: {message}", e.Message);
    }

    [Fact]
    public void ATruncatedResumeBlockIsRefused()
    {
        byte[] file = Encode(Model().WithResume(State()));
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Decode(Rehash(file[..^9], 3), "resume.ckpt"));
        Assert.Contains("'resume.ckpt' is corrupt", e.Message);
    }
}
