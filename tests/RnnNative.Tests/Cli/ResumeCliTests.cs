using System.Diagnostics;
using RnnNative.Blas;
using RnnNative.Cli;
using RnnNative.Tests.Blas;
using RnnNative.Tests.Data;
using RnnNative.Training;
using static RnnNative.Tests.Cli.InProcessRnn;

namespace RnnNative.Tests.Cli;

/// <summary>
/// <c>rnn train --resume DIR</c>: a run stopped by Ctrl+C (in-process at an epoch boundary, or SIGINT to a child
/// process mid-epoch) or killed with SIGKILL after a <c>--save-every</c> save, then resumed, leaves model.ckpt,
/// best.ckpt and metrics.csv as the same run never stopped: every weight bit-identical, every figure equal.
/// </summary>
public class ResumeCliTests
{
    // 1438 training examples, 143 held out for validation: 1295 in batches of 50, 26 steps an epoch; dropout and
    // early stopping take part, so their state must resume too.
    private static string[] Train(string folder, int epochs, string[]? more = null, string backend = "managed") =>
        ["train", "--data", Digits, "--units", "8", "--batch", "50", "--dropout", "0.2", "--validation", "0.1", "--patience", "2",
         "--backend", backend, "--threads", "1", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
         "--out", folder, .. more ?? []];

    private static void AssertSameRun(string expectedFolder, string actualFolder)
    {
        foreach (string name in new[] { RunFolder.LastName, RunFolder.BestName })
        {
            var expected = Checkpoint.Load(Path.Combine(expectedFolder, name));
            var actual = Checkpoint.Load(Path.Combine(actualFolder, name));
            Assert.Equal(expected.Metadata["epoch"], actual.Metadata["epoch"]);
            Assert.Equal(expected.Variables.Keys.Order(), actual.Variables.Keys.Order());
            foreach (var (variable, value) in expected.Variables)
                Assert.True(value.Floats!.Select(BitConverter.SingleToInt32Bits).SequenceEqual(actual.Variables[variable].Floats!.Select(BitConverter.SingleToInt32Bits)),
                    $"{name}: {variable} differs from the uninterrupted run's");
        }
        Assert.Equal(Figures(expectedFolder), Figures(actualFolder));
    }

    // metrics.csv without the timing columns (samples/s, elapsed).
    private static string[] Figures(string folder) => File.ReadAllLines(Path.Combine(folder, "metrics.csv"))
        .Select(line => string.Join(',', line.Split(',').Where((_, i) => i is not (4 or 5)))).ToArray();

    [BackendTheory(BlasKind.Managed)]
    [InlineData("managed")]
    public void CtrlCAtAnEpochEndThenResumeEndsAsTheUninterruptedRun(string backend) => CtrlCAtEpochEndThenResume(backend);

    [BackendTheory(BlasKind.OpenBlas)]
    [InlineData("openblas")]
    public void CtrlCAtAnEpochEndThenResumeEndsAsTheUninterruptedRunOnOpenBlas(string backend) => CtrlCAtEpochEndThenResume(backend);

    private static void CtrlCAtEpochEndThenResume(string backend)
    {
        using var whole = new TempFolder();
        using var part = new TempFolder();
        Assert.Equal(0, Rnn(Train(whole.Path, 3, backend: backend)).Code);
        using var stop = new CancellationTokenSource();
        var output = new CancelAfterEpochOne(stop);
        Assert.Equal(130, RnnCli.Run(Train(part.Path, 3, backend: backend), output, output, TextReader.Null, stop.Token));
        Assert.Contains($"continue with: rnn train --resume {part.Path}", output.ToString());

        var (code, resumed) = Rnn("train", "--resume", part.Path, "--quiet");
        Assert.True(code == 0, resumed);
        Assert.Contains("resumed: epoch 1", resumed);
        AssertSameRun(whole.Path, part.Path);
    }

    // Ctrl+C at step k exactly (the token cancelled after batch k, as the Ctrl+C handler does): 26 steps an epoch, so
    // k = 1 and 13 stop epoch 1 (its cut-short state is model.ckpt and, no epoch having finished, best.ckpt), 26 is
    // its last batch, 40 is mid-epoch 2.
    private static void CtrlCAtStep(int k, string backend)
    {
        using var whole = new TempFolder();
        using var part = new TempFolder();
        Assert.Equal(0, Rnn(Train(whole.Path, 3, backend: backend)).Code);
        using var stop = new CancellationTokenSource();
        var output = new StringWriter();
        TrainCommand.AfterBatchForTests = p => { if (p.Step == k) stop.Cancel(); };
        try
        {
            Assert.Equal(130, RnnCli.Run(Train(part.Path, 3, backend: backend), output, output, TextReader.Null, stop.Token));
        }
        finally
        {
            TrainCommand.AfterBatchForTests = null;
        }
        Assert.Equal(k, Checkpoint.Load(Path.Combine(part.Path, TrainResume.FileName)).Resume!.Position.Step);
        Assert.Contains($"continue with: rnn train --resume {part.Path}", output.ToString());

        var (code, resumed) = Rnn("train", "--resume", part.Path, "--quiet");
        Assert.True(code == 0, resumed);
        AssertSameRun(whole.Path, part.Path);
    }

    [BackendTheory(BlasKind.Managed)]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(26)]
    [InlineData(40)]
    public void CtrlCAtStepKThenResumeEndsAsTheUninterruptedRun(int k) => CtrlCAtStep(k, "managed");

    [BackendTheory(BlasKind.OpenBlas)]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(26)]
    [InlineData(40)]
    public void CtrlCAtStepKThenResumeEndsAsTheUninterruptedRunOnOpenBlas(int k) => CtrlCAtStep(k, "openblas");

    [Fact]
    public void EpochsExtendAFinishedRunAndOtherOptionsMustMatchIt()
    {
        using var whole = new TempFolder();
        using var part = new TempFolder();
        Assert.Equal(0, Rnn(Train(whole.Path, 3)).Code);
        Assert.Equal(0, Rnn(Train(part.Path, 2)).Code);

        var (done, doneOutput) = Rnn("train", "--resume", part.Path);
        Assert.Equal(2, done);
        Assert.Contains("is complete (2 epochs); give --epochs N with N > 2", doneOutput);
        var (conflict, conflictOutput) = Rnn("train", "--resume", part.Path, "--epochs", "3", "--units", "9");
        Assert.Equal(2, conflict);
        Assert.Contains("--units 9 conflicts with the run in", conflictOutput);
        Assert.Contains("trained with --units 8", conflictOutput);
        Assert.Contains("--out and --overwrite cannot be given with --resume", Rnn("train", "--resume", part.Path, "--out", whole.Path).Output);

        var (code, output) = Rnn("train", "--resume", part.Path, "--epochs", "3", "--units", "8", "--data", Digits);
        Assert.True(code == 0, output);
        AssertSameRun(whole.Path, part.Path);
    }

    [Fact]
    public void ACorruptResumeFileIsRefusedClearlyAndNothingElseIsLost()
    {
        using var part = new TempFolder();
        Assert.Equal(0, Rnn(Train(part.Path, 1)).Code);
        string resume = Path.Combine(part.Path, TrainResume.FileName);
        byte[] bytes = File.ReadAllBytes(resume);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(resume, bytes);
        var before = Directory.GetFiles(part.Path).ToDictionary(f => f, File.ReadAllBytes);

        var (code, output) = Rnn("train", "--resume", part.Path, "--epochs", "2");
        Assert.Equal(1, code);
        Assert.Contains($"'{resume}' is corrupt: the SHA-256 of its payload does not match its header", output);
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));

        File.Delete(resume);
        Assert.Contains("has no resume.ckpt", Rnn("train", "--resume", part.Path, "--epochs", "2").Output);
    }

    // The rnn the test project builds, started as its own process.
    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rnn.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    // Waits until resume.ckpt holds a state at step >= minStep inside an epoch, and returns that state.
    private static ResumeState WaitForSave(Process process, string folder, int minStep)
    {
        string path = Path.Combine(folder, TrainResume.FileName);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited) Assert.Fail($"rnn exited ({process.ExitCode}) before saving step {minStep}");
            if (File.Exists(path) && Checkpoint.Load(path).Resume is { } state && state.Position.Step >= minStep) return state;
            Thread.Sleep(5);
        }
        throw new TimeoutException($"no resume.ckpt at step {minStep} within a minute");
    }

    [Fact]
    public async Task SigintMidEpochExits130WithTheCommandAndTheResumedRunEndsAsTheUninterruptedOne()
    {
        using var whole = new TempFolder();
        using var part = new TempFolder();
        Assert.Equal(0, Rnn(Train(whole.Path, 12)).Code);
        using var process = Start(Train(part.Path, 12, ["--save-every", "1"]));
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        WaitForSave(process, part.Path, 3);
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)));
        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 130, output);
        Assert.Contains($"continue with: rnn train --resume {part.Path}", output);
        Assert.Contains("stopped by Ctrl+C", output);

        var (code, resumed) = Rnn("train", "--resume", part.Path);
        Assert.True(code == 0, resumed);
        AssertSameRun(whole.Path, part.Path);
    }

    [BackendTheory(BlasKind.Managed)]
    [InlineData("managed")]
    public void KillNineAfterASaveEverySaveThenResumeEndsAsTheUninterruptedRun(string backend) => KillNineThenResume(backend);

    [BackendTheory(BlasKind.OpenBlas)]
    [InlineData("openblas")]
    public void KillNineAfterASaveEverySaveThenResumeEndsAsTheUninterruptedRunOnOpenBlas(string backend) => KillNineThenResume(backend);

    private static void KillNineThenResume(string backend)
    {
        using var whole = new TempFolder();
        using var part = new TempFolder();
        Assert.Equal(0, Rnn(Train(whole.Path, 12, backend: backend)).Code);
        using var process = Start(Train(part.Path, 12, ["--save-every", "7"], backend));
        var state = WaitForSave(process, part.Path, 7);
        process.Kill(); // SIGKILL: nothing after the last save survives
        process.WaitForExit();
        Assert.Equal(0, state.Position.Step % 7);

        var (code, resumed) = Rnn("train", "--resume", part.Path, "--quiet");
        Assert.True(code == 0, resumed);
        AssertSameRun(whole.Path, part.Path);
    }
}
