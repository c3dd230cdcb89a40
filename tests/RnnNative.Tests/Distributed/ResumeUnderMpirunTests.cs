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

    // `exports`: NAME=VALUE pairs set on every rank (mpirun -x); `whileRunning` gets mpirun's process id.
    private static MpiProbe.Run TwoRanksWith(string[] exports, string[] args, Action<int>? whileRunning = null) => MpiProbe.Start(
        MpiProbe.Mpirun ?? "mpirun",
        ["--allow-run-as-root", "--oversubscribe", "--mca", "mpi_yield_when_idle", "1", "-n", "2", .. exports.SelectMany(e => new[] { "-x", e }),
         MpiProbe.DotnetHost, Path.Combine(AppContext.BaseDirectory, "rnn.dll"), .. args], TimeSpan.FromSeconds(120), whileRunning);

    // 300 training examples, global batch 100 (50 a rank): 3 steps an epoch.
    private string[] Train(string run, int epochs, int examples = 300) =>
        ["train", "--data", Cli.InProcessRnn.Digits, "--limit", examples.ToString(), "--batch", "100", "--epochs", epochs.ToString(), "--units", "16",
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

    [MpiFact]
    public void SigusrToMpirunStopsEveryRankAfterTheSameBatchAndTheResumedRunEndsBitIdentical()
    {
        using var folder = _root;
        // 1,000 examples, global batch 100: 10 steps an epoch, 8 epochs; the signal comes once epoch 1 is saved (the job stops in epoch 2).
        string[] Long(string run) => Train(run, 8, examples: 1000);
        var whole = TwoRanks(Long("whole"));
        Assert.True(whole.ExitCode == 0, whole.ToString());
        string part = Path.Combine(_root.Path, "part");
        var stopped = TwoRanksWith([], Long("part"), mpirun =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(part, "resume.ckpt")) && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(5);
            using var kill = System.Diagnostics.Process.Start("kill", ["-USR1", mpirun.ToString()]);
            kill.WaitForExit();
        });
        Assert.False(stopped.TimedOut, stopped.ToString());
        Assert.True(stopped.ExitCode == 130, stopped.ToString()); // 0 would mean the run ended before the signal
        Assert.Single(Regex.Matches(stopped.Output, "continue with: rnn train --resume " + Regex.Escape(part)));

        var resumed = TwoRanks("train", "--resume", part, "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        AssertSameWeights("model.ckpt", "8");
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
