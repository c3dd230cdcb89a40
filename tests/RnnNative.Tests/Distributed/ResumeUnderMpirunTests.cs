using RnnNative.Tests.Data;
using RnnNative.Training;

namespace RnnNative.Tests.Distributed;

/// <summary>
/// <c>mpirun -n 2 rnn train --resume DIR</c>: rank 0 wrote <c>resume.ckpt</c> at an epoch end, every rank reads it,
/// and the continued two-rank run ends bit-identical to the same two-rank run never stopped.
/// </summary>
public sealed class ResumeUnderMpirunTests
{
    private readonly TempFolder _root = new();

    private static MpiProbe.Run TwoRanks(params string[] args) => MpiProbe.Start(MpiProbe.Mpirun ?? "mpirun",
        ["--allow-run-as-root", "--oversubscribe", "--mca", "mpi_yield_when_idle", "1", "-n", "2",
         MpiProbe.DotnetHost, Path.Combine(AppContext.BaseDirectory, "rnn.dll"), .. args], TimeSpan.FromSeconds(120));

    // 300 training examples, global batch 100 (50 a rank): 3 steps an epoch.
    private string[] Train(string run, int epochs) =>
        ["train", "--data", Cli.InProcessRnn.Digits, "--limit", "300", "--batch", "100", "--epochs", epochs.ToString(), "--units", "16",
         "--threads", "1", "--backend", "managed", "--validation", "0", "--quiet", "--out", Path.Combine(_root.Path, run)];

    [MpiFact]
    public void TwoRanksResumedAtAnEpochEndEndBitIdenticalToTheRunNeverStopped()
    {
        using var folder = _root;
        var whole = TwoRanks(Train("whole", 4));
        Assert.True(whole.ExitCode == 0, whole.ToString());
        var first = TwoRanks(Train("part", 2));
        Assert.True(first.ExitCode == 0, first.ToString());
        var resumed = TwoRanks("train", "--resume", Path.Combine(_root.Path, "part"), "--epochs", "4", "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resumed: epoch 2", resumed.Output);

        var expected = Checkpoint.Load(Path.Combine(_root.Path, "whole", "model.ckpt"));
        var actual = Checkpoint.Load(Path.Combine(_root.Path, "part", "model.ckpt"));
        Assert.Equal("4", actual.Metadata["epoch"]);
        foreach (var (name, value) in expected.Variables)
            Assert.True(value.Floats!.AsSpan().SequenceEqual(actual.Variables[name].Floats!), $"{name} differs from the uninterrupted two-rank run");
    }
}
