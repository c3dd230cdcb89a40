using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using RnnNative.Cli;
using RnnNative.Tests.Data;


namespace RnnNative.Tests.Cli;

/// <summary>The <c>rnn</c> command run in-process on the shipped digits CSV.</summary>
public class CliTests
{
    private static readonly string Digits = Path.Combine(RepoPaths.Root, "data", "digits.csv.gz");
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static (int Code, string Output) Rnn(params string[] args) => Rnn(TextReader.Null, default, args);

    private static (int Code, string Output) Rnn(TextReader stdin, CancellationToken cancellation, params string[] args)
    {
        var output = new StringWriter();
        int code = RnnCli.Run(args, output, output, stdin, cancellation);
        return (code, output.ToString());
    }

    // "95.83% (345/359)" after the given prefix → (345, 359).
    private static (int Correct, int Count) Accuracy(string output, string prefix)
    {
        var m = Regex.Match(output, Regex.Escape(prefix) + @" [\d.]+% \((\d+)/(\d+)\)");
        Assert.True(m.Success, $"no '{prefix} ...% (a/b)' in:\n{output}");
        return (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value));
    }

    [Fact]
    public void TrainThenEvalReproducesTheRecordedAccuracy()
    {
        using var run = new TempFolder();
        var (code, output) = Rnn("train", "--data", Digits, "--units", "32", "--epochs", "2", "--out", run.Path);
        Assert.True(code == 0, output);
        var chosen = Accuracy(output, "test accuracy of the chosen model (epoch 2):"); // val_loss falls over two epochs
        Assert.Equal(359, chosen.Count); // floor(20% of 1797)
        Assert.Contains("validation: 143 of the 1438 training examples", output); // the CSV default: 10%

        string[] rows = File.ReadAllLines(Path.Combine(run.Path, "metrics.csv"));
        Assert.Equal("epoch,train_loss,test_loss,test_accuracy,samples_per_sec,elapsed_s,completed,val_loss,val_accuracy", rows[0]);
        Assert.Equal(3, rows.Length);
        Assert.All(rows[1..], r => Assert.Equal("NaN", r.Split(',')[3])); // the test set is not scored per epoch
        Assert.Equal(PngSignature, File.ReadAllBytes(Path.Combine(run.Path, "training.png"))[..8]);

        var (evalCode, evalOutput) = Rnn("eval", "--model", run.Path);
        Assert.True(evalCode == 0, evalOutput);
        Assert.Contains("hold-out", evalOutput);
        Assert.Equal(PngSignature, File.ReadAllBytes(Path.Combine(run.Path, "confusion.png"))[..8]);

        var (_, bestOutput) = Rnn("eval", "--model", Path.Combine(run.Path, "best.ckpt"));
        Assert.Equal(chosen, Accuracy(bestOutput, "accuracy"));
    }

    [Fact]
    public void PredictReadsCsvRowsFromStdin()
    {
        using var run = new TempFolder();
        Assert.Equal(0, Rnn("train", "--data", Digits, "--units", "16", "--epochs", "1", "--limit", "300", "--out", run.Path).Code);
        string[] firstRows;
        using (var gz = new GZipStream(File.OpenRead(Digits), CompressionMode.Decompress))
        using (var reader = new StreamReader(gz))
            firstRows = [reader.ReadLine()!, reader.ReadLine()!, reader.ReadLine()!];
        string featuresOnly = string.Join('\n', firstRows.Select(r => r[..r.LastIndexOf(',')]));

        var (code, output) = Rnn(new StringReader(featuresOnly), default, "predict", "--model", run.Path, "--data", "-");
        Assert.True(code == 0, output);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,predicted,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9", lines[0]);
        Assert.Equal(4, lines.Length);
        foreach (string line in lines[1..])
        {
            double[] p = line.Split(',')[2..].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(1.0, p.Sum(), 1e-5);
            Assert.Equal(Array.IndexOf(p, p.Max()), int.Parse(line.Split(',')[1]));
        }

        var (_, labelled) = Rnn(new StringReader(string.Join('\n', firstRows)), default, "predict", "--model", run.Path, "--data", "-");
        Assert.StartsWith("row,predicted,label,p0", labelled);
        Assert.Contains(",0,0.", labelled.Split('\n')[1][2..]); // first digit of the file is a 0
    }

    [Theory]
    [InlineData(1, "does-not-exist.csv", "not found")]
    [InlineData(2, "--units=abc", "--units must be an integer")]
    [InlineData(2, "--cell=tree", "--cell must be one of basic, lstm, gru")]
    [InlineData(2, "--frobnicate", "unknown option --frobnicate")]
    public void TrainMistakesAreOneLineWithoutAStackTrace(int expectedCode, string arg, string message)
    {
        string[] args = arg.StartsWith("--") ? ["train", "--data", Digits, arg] : ["train", "--data", arg];
        var (code, output) = Rnn(args);
        Assert.Equal(expectedCode, code);
        Assert.StartsWith("error: ", output);
        Assert.Contains(message, output);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void CorruptOrWrongFilesGiveOneLineErrors()
    {
        using var run = new TempFolder();
        File.WriteAllBytes(Path.Combine(run.Path, "model.ckpt"), "RNNCKPT\x1Ashort"u8.ToArray());
        var (code, output) = Rnn("eval", "--model", run.Path, "--data", Digits);
        Assert.Equal(1, code);
        Assert.Matches("^error: .*model.ckpt' is truncated", output);

        var (missing, missingOutput) = Rnn("eval", "--model", Path.Combine(run.Path, "nope"));
        Assert.Equal(1, missing);
        Assert.Contains("not found", missingOutput);

        File.WriteAllText(Path.Combine(run.Path, "ragged.csv"), "1,2,3,4,5\n4,5\n");
        Assert.Equal(1, Rnn("train", "--data", Path.Combine(run.Path, "ragged.csv"), "--out", run.Path).Code);
        Assert.Equal(2, Rnn("eval").Code);
        Assert.Equal(2, Rnn("fly").Code);
    }

    [Fact]
    public void CancelledBeforeTheFirstEpochSavesNothingAndExits130()
    {
        using var run = new TempFolder();
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        var (code, output) = Rnn(TextReader.Null, stop.Token, "train", "--data", Digits, "--units", "8", "--out", run.Path);
        Assert.Equal(130, code);
        Assert.Contains("nothing saved", output);
        Assert.False(File.Exists(Path.Combine(run.Path, "model.ckpt")));
    }

    [Fact]
    public void AnUpdateThatBreaksTheWeightsExits1AndSavesNothingNonFinite()
    {
        // The README's example: one 2000-example batch per epoch, so the loss before the update is finite and
        // Adam's first step (≈ lr) leaves weights near ±3e38 that overflow the logits: the test loss is NaN.
        using var run = new TempFolder();
        var (code, output) = Rnn("train", "--data", Digits, "--units", "8", "--lr", "3e38", "--batch", "2000",
            "--epochs", "2", "--out", run.Path);
        Assert.True(code == 1, output);
        Assert.Contains("after epoch 1 evaluates to test_loss NaN", output);
        Assert.Contains("training stopped before saving it", output);
        Assert.False(File.Exists(Path.Combine(run.Path, "model.ckpt")));
        Assert.False(File.Exists(Path.Combine(run.Path, "best.ckpt")));
    }

    [Fact]
    public void AHugeButFiniteLossWarnsThatTrainingDiverges()
    {
        using var run = new TempFolder();
        var (code, output) = Rnn("train", "--data", Digits, "--units", "8", "--lr", "1e6", "--epochs", "1", "--out", run.Path);
        Assert.True(code == 0, output);
        Assert.Contains("at epoch 1 is more than 10x the reference 2.303: training is diverging", output);
    }

    [Fact]
    public void OutIntoAnExistingRunIsRefusedUnlessOverwriteWhichRemovesTheOldFilesFirst()
    {
        using var run = new TempFolder();
        Assert.Equal(0, Rnn("train", "--data", Digits, "--units", "8", "--epochs", "1", "--out", run.Path).Code);
        string model = Path.Combine(run.Path, "model.ckpt"), metrics = Path.Combine(run.Path, "metrics.csv");
        byte[] before = File.ReadAllBytes(model);

        var (code, output) = Rnn("train", "--data", Digits, "--units", "8", "--epochs", "1", "--seed", "5", "--out", run.Path);
        Assert.Equal(1, code);
        Assert.Contains("already holds a run (model.ckpt, best.ckpt, metrics.csv", output);
        Assert.Contains("--overwrite", output);
        Assert.Equal(before, File.ReadAllBytes(model));

        // Cancelled before its first epoch, an overwriting run leaves an empty folder, not a mix of two runs.
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        var (cancelled, _) = Rnn(TextReader.Null, stop.Token, "train", "--data", Digits, "--units", "8", "--out", run.Path, "--overwrite");
        Assert.Equal(130, cancelled);
        Assert.False(File.Exists(model));
        Assert.False(File.Exists(metrics));
    }

    [Fact]
    public void CtrlCDuringAnEpochsEvaluationOrSaveExits130WithAMessage()
    {
        using var run = new TempFolder();
        using var stop = new CancellationTokenSource();
        var output = new CancelAfterEpochOne(stop);
        int code = RnnCli.Run(["train", "--data", Digits, "--units", "8", "--epochs", "3", "--out", run.Path],
            output, output, TextReader.Null, stop.Token);
        Assert.True(code == 130, output.ToString());
        Assert.Contains("stopped by Ctrl+C after epoch 1 of 3", output.ToString());
        Assert.True(File.Exists(Path.Combine(run.Path, "model.ckpt")));
    }

    [Fact]
    public void InfoNamesTheBackendAndRuntime()
    {
        var (code, output) = Rnn("info");
        Assert.Equal(0, code);
        Assert.Contains(".NET", output);
        Assert.Contains("backend in use:", output);
        Assert.Contains("managed", output);
    }
}
