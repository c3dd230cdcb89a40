using static RnnNative.Tests.Cli.InProcessRnn;
using System.Globalization;
using System.Text.RegularExpressions;
using RnnNative.Cli;
using RnnNative.Tests.Data;
using RnnNative.Training;

namespace RnnNative.Tests.Cli;

/// <summary><c>rnn train --validation/--monitor/--patience</c>: the validation set chooses best.ckpt and stops training; the test set is scored once.</summary>
public class ValidationCliTests
{
    // metrics.csv column `name` of every row.
    private static double[] Column(string run, string name)
    {
        string[] rows = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        int index = Array.IndexOf(rows[0].Split(','), name);
        return rows[1..].Select(r => double.Parse(r.Split(',')[index], CultureInfo.InvariantCulture)).ToArray();
    }

    private static int CheckpointEpoch(string path) => int.Parse(Checkpoint.Load(path).Metadata["epoch"], CultureInfo.InvariantCulture);

    [Fact]
    public void PatienceStopsWhereTheValidationLossRuleSaysAndBestIsItsMinimum()
    {
        using var run = new TempFolder();
        const int epochs = 60, patience = 2;
        var (code, output) = Rnn("train", "--data", Digits, "--units", "16", "--lr", "0.03", "--epochs", $"{epochs}", "--limit", "300",
            "--validation", "0.3", "--patience", $"{patience}", "--out", run.Path);
        Assert.True(code == 0, output);
        Assert.Contains("validation: 90 of the 300 training examples", output);
        double[] losses = Column(run.Path, "val_loss");
        Assert.True(losses.Length < epochs, $"no early stop in {epochs} epochs:\n{output}");
        // Independent rule: best = first minimum so far; stop at the first epoch `patience` epochs after it.
        int best = 1, stop = 0;
        for (int e = 1; e <= losses.Length && stop == 0; e++)
        {
            if (losses[e - 1] < losses[best - 1]) best = e;
            if (e - best >= patience) stop = e;
        }
        Assert.Equal(losses.Length, stop);
        Assert.Equal(best, CheckpointEpoch(Path.Combine(run.Path, "best.ckpt")));
        Assert.Equal(stop, CheckpointEpoch(Path.Combine(run.Path, "model.ckpt")));
        Assert.All(Column(run.Path, "test_accuracy"), a => Assert.True(double.IsNaN(a)));
        Assert.Contains($"early stopping: val_loss did not improve for {patience} epochs after epoch {best}", output);

        var m = Regex.Match(output, $@"test accuracy of the chosen model \(epoch {best}\): [\d.]+% \((\d+)/359\)");
        Assert.True(m.Success, output);
        var (_, evalOutput) = Rnn("eval", "--model", Path.Combine(run.Path, "best.ckpt"));
        Assert.Contains($"({m.Groups[1].Value}/359)", evalOutput); // the printed test figure is the chosen model's
    }

    [Fact]
    public void AccuracyMonitorChoosesTheFirstHighestValidationAccuracy()
    {
        using var run = new TempFolder();
        var (code, output) = Rnn("train", "--data", Digits, "--units", "8", "--epochs", "4", "--limit", "300",
            "--validation", "60", "--monitor", "val_accuracy", "--out", run.Path);
        Assert.True(code == 0, output);
        double[] accuracies = Column(run.Path, "val_accuracy");
        Assert.Equal(4, accuracies.Length);
        Assert.All(accuracies, a => Assert.Equal(0, a * 60 - Math.Round(a * 60), 9)); // k/60: 60 validation examples
        Assert.Equal(Array.IndexOf(accuracies, accuracies.Max()) + 1, CheckpointEpoch(Path.Combine(run.Path, "best.ckpt")));
    }

    [Fact]
    public void ValidationZeroKeepsTheLastEpochAndNeverScoresTheTestSetPerEpoch()
    {
        using var run = new TempFolder();
        var (code, output) = Rnn("train", "--data", Digits, "--units", "8", "--epochs", "3", "--limit", "200", "--validation", "0", "--out", run.Path);
        Assert.True(code == 0, output);
        Assert.Contains("validation: none (--validation 0): best.ckpt is the last epoch", output);
        Assert.Equal(3, CheckpointEpoch(Path.Combine(run.Path, "best.ckpt")));
        Assert.All(Column(run.Path, "test_loss").Concat(Column(run.Path, "val_loss")), v => Assert.True(double.IsNaN(v)));
        Assert.Contains("test accuracy of the chosen model (epoch 3)", output);
    }

    [Theory]
    [InlineData("--validation", "1.5", "--validation must be")]
    [InlineData("--validation", "-0.1", "--validation must be")]
    [InlineData("--validation", "abc", "--validation must be")]
    [InlineData("--validation", "5000", "leaves no validation or no training set")]
    [InlineData("--monitor", "test_accuracy", "--monitor must be one of val_loss, val_accuracy")]
    [InlineData("--patience", "0", "--patience must be an integer")]
    public void BadValidationOptionsAreUsageErrors(string option, string value, string message)
    {
        using var run = new TempFolder();
        var (code, output) = Rnn("train", "--data", Digits, option, value, "--out", run.Path);
        Assert.True(code == 2, output);
        Assert.Contains(message, output);
    }

    [Fact]
    public void PatienceWithoutValidationIsAUsageError()
    {
        using var run = new TempFolder();
        var (code, output) = Rnn("train", "--data", Digits, "--validation", "0", "--patience", "3", "--out", run.Path);
        Assert.Equal(2, code);
        Assert.Contains("--patience needs a validation set", output);
    }

    [Fact]
    public void HelpDocumentsTheDefaults()
    {
        var (_, output) = Rnn("train", "--help");
        Assert.Contains("Default: 5000", output);
        Assert.Contains("--monitor NAME", output);
        Assert.Contains("--patience N", output);
    }
}
