using System.Text.RegularExpressions;
using RnnNative.Tests.Data;
using RnnNative.Training;

namespace RnnNative.Tests.Distributed;

/// <summary>
/// <c>mpirun -n 2 rnn train --resume DIR</c>: rank 0 wrote <c>resume.ckpt</c> at an epoch end or after a stop
/// requested mid-epoch on one rank only, every rank reads it, and the continued two-rank run ends bit-identical to the
/// same two-rank run never stopped.
/// </summary>
public sealed class ResumeUnderMpirunTests
{
    private readonly TempFolder _root = new();

    private static MpiProbe.Run TwoRanks(params string[] args) => TwoRanksWith([], args);

    // `exports`: NAME=VALUE pairs set on every rank (mpirun -x).
    private static MpiProbe.Run TwoRanksWith(string[] exports, string[] args) => MpiProbe.Start(MpiProbe.Mpirun ?? "mpirun",
        ["--allow-run-as-root", "--oversubscribe", "--mca", "mpi_yield_when_idle", "1", "-n", "2", .. exports.SelectMany(e => new[] { "-x", e }),
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

        AssertSameWeights("model.ckpt", "4");
    }

    [MpiFact]
    public void AStopOnOneRankMidEpochStopsBothAfterTheSameStepAndTheResumedRunEndsBitIdentical()
    {
        using var folder = _root;
        var whole = TwoRanks(Train("whole", 4));
        Assert.True(whole.ExitCode == 0, whole.ToString());
        // Rank 1 alone asks to stop after step 4; step 5's all-reduce tells rank 0; both stop after step 5 (epoch 2, batch 2).
        var stopped = TwoRanksWith([$"{RnnNative.Cli.StopHookForTests.Variable}=1:4"], Train("part", 4));
        Assert.False(stopped.TimedOut, stopped.ToString());
        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        string part = Path.Combine(_root.Path, "part");
        Assert.Single(Regex.Matches(stopped.Output, "continue with: rnn train --resume " + Regex.Escape(part)));
        Assert.Contains("stopped by Ctrl+C during epoch 2", stopped.Output);
        Assert.Equal(new TrainingState(2, 2, 5, 42), Checkpoint.Load(Path.Combine(part, "resume.ckpt")).Resume!.Position);

        var resumed = TwoRanks("train", "--resume", part, "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resumed: epoch 2, after batch 2 (step 5)", resumed.Output);
        AssertSameWeights("model.ckpt", "4");
        AssertSameWeights("best.ckpt", null);
    }

    // `file` of the run "part" holds exactly the weights of the run "whole".
    private void AssertSameWeights(string file, string? epoch)
    {
        var expected = Checkpoint.Load(Path.Combine(_root.Path, "whole", file));
        var actual = Checkpoint.Load(Path.Combine(_root.Path, "part", file));
        if (epoch is not null) Assert.Equal(epoch, actual.Metadata["epoch"]);
        Assert.Equal(expected.Metadata.GetValueOrDefault("epoch"), actual.Metadata.GetValueOrDefault("epoch"));
        foreach (var (name, value) in expected.Variables)
            Assert.True(value.Floats!.AsSpan().SequenceEqual(actual.Variables[name].Floats!), $"{file}: {name} differs from the uninterrupted two-rank run");
    }
}
