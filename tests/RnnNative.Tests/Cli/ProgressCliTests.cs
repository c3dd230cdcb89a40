using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using RnnNative.Tests.Data;
using RnnNative.Tests.Examples;
using static RnnNative.Tests.Cli.InProcessRnn;

namespace RnnNative.Tests.Cli;

/// <summary>
/// Every long command, run briefly in-process with its output redirected: its progress lines (percent rising to
/// 100%, count/total, rate, ETA, one line each), and none with --quiet.
/// </summary>
public class ProgressCliTests
{
    // "progress train: 40% 240/600 steps, 1,234 samples/s, eta 0:12[, note]"
    private static int[] AssertProgress(string output, string command, string unit, string? rateUnit)
    {
        string rate = rateUnit is null ? "" : $@", [\d,]+ {Regex.Escape(rateUnit)}";
        var pattern = new Regex($@"^progress {Regex.Escape(command)}: (\d+)% ([\d,]+)/([\d,]+) {unit}{rate}, eta ((\d+:)?\d+:\d\d|\?)(, .+)?$");
        var lines = output.ReplaceLineEndings("\n").Split('\n').Where(l => l.StartsWith($"progress {command}:", StringComparison.Ordinal)).ToArray();
        Assert.True(lines.Length > 0, $"no 'progress {command}:' line in:\n{output}");
        var percents = new List<int>();
        foreach (string line in lines)
        {
            var m = pattern.Match(line);
            Assert.True(m.Success, $"'{line}' is not a progress line of {command} in {unit}");
            long done = long.Parse(m.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            long total = long.Parse(m.Groups[3].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            Assert.Equal(100 * done / total, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            percents.Add(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        Assert.Equal(percents.Order(), percents);
        Assert.Equal(percents.Distinct(), percents);   // one line per tenth (the runs here take far less than 30 s)
        Assert.Equal(100, percents[^1]);
        return percents.ToArray();
    }

    private static void AssertNoProgress(string output) => Assert.DoesNotContain("progress ", output);

    private static (string Normal, string Quiet) Both(Func<string[], (int Code, string Output)> run, params string[] args)
    {
        var (code, output) = run(args);
        Assert.True(code == 0, output);
        var (quietCode, quiet) = run([.. args, "--quiet"]);
        Assert.True(quietCode == 0, quiet);
        return (output, quiet);
    }

    private static (int, string) Run(string[] args) => Rnn(args);

    [Fact]
    public void TrainShowsItsStepsAndQuietOnlyTheResult()
    {
        using var folder = new TempFolder();
        var (output, quiet) = Both(Run, "train", "--data", Digits, "--units", "8", "--epochs", "2", "--limit", "300", "--batch", "30",
            "--out", Path.Combine(folder.Path, "run"), "--overwrite");
        var percents = AssertProgress(output, "train", "steps", "samples/s");
        Assert.Equal(10, percents.Length);   // 2 epochs x 9 batches (270 after validation): every tenth is reached
        Assert.Contains("progress train: 100% 18/18 steps", output);
        Assert.Matches(@"progress train: 50% 9/18 steps, [\d,]+ samples/s, eta \d+:\d\d, epoch 1/2 loss \d\.\d{4}", output);
        Assert.Contains("epoch  train_loss", output);
        AssertNoProgress(quiet);
        Assert.DoesNotContain("epoch  train_loss", quiet);
        Assert.Contains("test accuracy of the chosen model", quiet);
    }

    [Fact]
    public void EvalAndPredictShowProgressBeyondAHandfulOfBatchesAndPredictKeepsStdoutClean()
    {
        using var folder = new TempFolder();
        string run = Path.Combine(folder.Path, "run");
        Assert.Equal(0, Rnn("train", "--data", Digits, "--units", "8", "--epochs", "1", "--limit", "100", "--out", run, "--quiet").Code);

        var (output, quiet) = Both(Run, "eval", "--model", run, "--batch", "10");
        AssertProgress(output, "eval", "examples", "examples/s");
        Assert.Matches(@"accuracy [\d.]+% \(\d+/359\)", output);
        AssertNoProgress(quiet);
        var (_, few) = Rnn("eval", "--model", run, "--batch", "100");   // 4 batches: no display
        AssertNoProgress(few);

        string rows = folder.Write("rows.csv", Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Repeat(string.Join(',', Enumerable.Repeat("1", 64)), 70))));
        var (code, csv, errors) = RnnApart("predict", "--model", run, "--data", rows, "--batch", "10");
        Assert.True(code == 0, errors);
        AssertProgress(errors, "predict", "examples", "examples/s");
        string[] lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(71, lines.Length);                       // the header and one row per example, nothing else
        Assert.All(lines[1..], l => Assert.Matches(@"^\d+,\d+(,[\d.]+){10}$", l));
        var (quietCode, quietCsv, quietErrors) = RnnApart("predict", "--model", run, "--data", rows, "--batch", "10", "--quiet");
        Assert.Equal((0, csv, ""), (quietCode, quietCsv, quietErrors));
    }

    [Fact]
    public void ForecastAndTextGenShowTheirSteps()
    {
        using var folder = new TempFolder();
        var values = Enumerable.Range(0, 100).Select(i => Math.Sin(i * 0.3).ToString("R", CultureInfo.InvariantCulture));
        string series = folder.Write("s.csv", Encoding.UTF8.GetBytes("value\n" + string.Join('\n', values) + "\n"));
        var (output, quiet) = Both(Run, "forecast", "--data", series, "--steps", "5", "--units", "4", "--iterations", "20", "--out", folder.Path);
        Assert.Equal(10, AssertProgress(output, "forecast", "steps", "windows/s").Length);
        Assert.Contains("progress forecast: 100% 20/20 steps", output);
        AssertNoProgress(quiet);
        Assert.DoesNotContain(" step  batch_mse", quiet);
        Assert.Contains("held-out MSE", quiet);

        string text = folder.Write("t.txt", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("the cat sat on the mat. ", 40))));
        (output, quiet) = Both(Run, "textgen", "--data", text, "--units", "8", "--embedding", "4", "--batch", "4", "--steps", "8",
            "--iterations", "10", "--length", "10", "--out", folder.Path);
        Assert.Equal(10, AssertProgress(output, "textgen", "steps", "chars/s").Length);
        AssertNoProgress(quiet);
        Assert.Contains("bits per character", quiet);
    }

    [Fact]
    public void GenerateShowsEachFormsSteps()
    {
        using var folder = new TempFolder();
        GenerateTests.WriteMnist(folder, "train", GenerateTests.Images(30, seed: 3, rows: 8, columns: 8));
        GenerateTests.WriteMnist(folder, "t10k", GenerateTests.Images(6, seed: 4, rows: 8, columns: 8));
        var (output, quiet) = Both(Run, "generate", "--data", folder.Path, "--units", "8", "--epochs", "2", "--batch", "10", "--samples", "1",
            "--out", Path.Combine(folder.Path, "run"));
        // 3 batches per epoch, 2 epochs: 1/6 = 16%, 2/6 = 33%, ... one line per step.
        Assert.Equal([16, 33, 50, 66, 83, 100], AssertProgress(output, "generate feedback", "steps", "images/s"));
        Assert.Equal([16, 33, 50, 66, 83, 100], AssertProgress(output, "generate repeat", "steps", "images/s"));
        Assert.Contains("progress generate feedback: 50% 3/6 steps", output);
        AssertNoProgress(quiet);
        Assert.Contains("wrote", quiet);
    }

    [Fact]
    public void LangIdShowsTrainingStepsAndLongPredictBatches()
    {
        using var folder = new TempFolder();
        string lists = Path.Combine(folder.Path, "lists"), run = Path.Combine(folder.Path, "run");
        LangIdTestWords.WriteLists(lists, 40);
        var (output, quiet) = Both(Run, "langid", "--data", lists, "--words", "40", "--max-length", "10", "--units", "4",
            "--epochs", "2", "--batch", "16", "--out", run);
        AssertProgress(output, "langid", "steps", "samples/s");
        Assert.Contains("progress langid: 100% 8/8 steps", output);   // 64 training words per epoch in batches of 16
        AssertNoProgress(quiet);

        string[] words = Enumerable.Repeat("kamito", 3001).ToArray();   // 7 batches of 500
        (output, quiet) = Both(Run, ["langid", "--model", run, "--predict", .. words]);
        AssertProgress(output, "langid", "words", "words/s");
        Assert.Contains("progress langid: 100% 3,001/3,001 words", output);
        AssertNoProgress(quiet);
    }

    [Fact]
    public void BenchShowsItsConfigurations()
    {
        string[] tiny = ["bench", "--backend", "managed", "--threads", "1,2", "--batch", "4", "--units", "4", "--steps", "2", "--inputs", "3",
            "--warmup", "1", "--steps-timed", "2"];
        var (output, quiet) = Both(Run, tiny);
        Assert.Equal([50, 100], AssertProgress(output, "bench", "configurations", null));
        Assert.Contains("progress bench: 50% 1/2 configurations, eta ", output);
        AssertNoProgress(quiet);
        Assert.Contains("model: basic RNN", quiet);
    }
}
