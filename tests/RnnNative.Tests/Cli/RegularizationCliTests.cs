using static RnnNative.Tests.Cli.InProcessRnn;
using System.Text.RegularExpressions;
using RnnNative.Cli;
using RnnNative.Tests.Data;
using RnnNative.Training;

namespace RnnNative.Tests.Cli;

/// <summary><c>rnn train --schedule/--decay-steps/--dropout</c>: carried into the model and its checkpoint; eval still reproduces.</summary>
public class RegularizationCliTests
{
    [Fact]
    public void CosineScheduleAndDropoutReachTheCheckpointAndEvalReproducesTheChosenAccuracy()
    {
        using var run = new TempFolder();
        var (code, output) = Rnn("train", "--data", Digits, "--units", "8", "--epochs", "2", "--limit", "300", "--batch", "50",
            "--schedule", "cosine", "--dropout", "0.25", "--out", run.Path);
        Assert.True(code == 0, output);
        var options = Checkpoint.Load(Path.Combine(run.Path, "best.ckpt")).ClassifierOptions;
        Assert.Equal(0.25f, options.Dropout);
        Assert.Equal(2 * 6, options.CosineDecaySteps); // 270 training examples after the 10% validation: 6 batches of 50 per epoch
        Assert.Contains("dropout 0.25, cosine decay over 12 steps", output);

        var chosen = Regex.Match(output, @"test accuracy of the chosen model \(epoch \d\): [\d.]+% \((\d+/\d+)\)");
        Assert.True(chosen.Success, output);
        var (evalCode, evalOutput) = Rnn("eval", "--model", Path.Combine(run.Path, "best.ckpt"));
        Assert.True(evalCode == 0, evalOutput);
        Assert.Contains($"({chosen.Groups[1].Value})", evalOutput);
    }

    [Theory]
    [InlineData("--dropout", "1", "--dropout must be a probability in [0, 1)")]
    [InlineData("--dropout", "-0.1", "--dropout must be a probability in [0, 1)")]
    [InlineData("--schedule", "step", "--schedule must be one of constant, cosine")]
    [InlineData("--decay-steps", "100", "--decay-steps is for --schedule cosine")]
    public void BadValuesAreUsageErrors(string option, string value, string message)
    {
        using var run = new TempFolder();
        var (code, output) = Rnn("train", "--data", Digits, option, value, "--out", run.Path);
        Assert.True(code == 2, output);
        Assert.Contains(message, output);
    }
}
