using System.IO.Compression;
using System.Text.RegularExpressions;
using RnnNative.Cli;
using RnnNative.Tests.Data;

namespace RnnNative.Tests.Cli;

/// <summary>
/// <c>rnn train --label/--steps/--inputs</c> on CSVs rearranged from the shipped digits: a Kaggle-style file with
/// the label first is read by its header, a header without a label column or a non-square column count is
/// refused with the flag to use, and the header line says what was inferred.
/// </summary>
public class CsvLayoutTests
{
    private static readonly string Digits = Path.Combine(RepoPaths.Root, "data", "digits.csv.gz");

    private static (int Code, string Output) Rnn(params string[] args) => Rnn(TextReader.Null, args);

    private static (int Code, string Output) Rnn(TextReader stdin, params string[] args)
    {
        var output = new StringWriter();
        int code = RnnCli.Run(args, output, output, stdin, default);
        return (code, output.ToString());
    }

    // The digits rows (64 pixels, then the label) as (pixels, label) pairs.
    private static (string[] Pixels, string Label)[] DigitRows(int count)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(Digits), CompressionMode.Decompress));
        var rows = new List<(string[], string)>();
        while (rows.Count < count && reader.ReadLine() is { } line)
        {
            string[] cells = line.Split(',');
            rows.Add((cells[..^1], cells[^1]));
        }
        return rows.ToArray();
    }

    // label first, header label,pixel0..pixel{n-1}; keeps the first `pixels` pixels.
    private static string LabelFirst(TempFolder folder, string labelName, int pixels, int rows = 400)
    {
        var lines = new List<string> { string.Join(',', [labelName, .. Enumerable.Range(0, pixels).Select(i => $"pixel{i}")]) };
        lines.AddRange(DigitRows(rows).Select(r => string.Join(',', [r.Label, .. r.Pixels[..pixels]])));
        string path = Path.Combine(folder.Path, $"{labelName}-{pixels}.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void ALabelFirstKaggleFileTrainsOnTheLabelColumnByItsName()
    {
        using var folder = new TempFolder();
        string csv = LabelFirst(folder, "label", 64);
        string run = Path.Combine(folder.Path, "run");
        var (code, output) = Rnn("train", "--data", csv, "--units", "16", "--epochs", "1", "--out", run);
        Assert.True(code == 0, output);
        Assert.Contains("label column 1 ('label') (by its name)", output);
        Assert.Contains("8 steps x 8 inputs; 10 classes", output); // a pixel as label would give up to 17 classes

        var (evalCode, evalOutput) = Rnn("eval", "--model", run);
        Assert.True(evalCode == 0, evalOutput);
        Assert.Contains("label column 1", evalOutput);

        // predict: rows in the training file's layout (label first) are read with their label
        string rows = string.Join('\n', File.ReadLines(csv).Skip(1).Take(3));
        var (predictCode, predictOutput) = Rnn(new StringReader(rows), "predict", "--model", run, "--data", "-");
        Assert.True(predictCode == 0, predictOutput);
        string[] labels = predictOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..].Select(l => l.Split(',')[2]).ToArray();
        Assert.Equal(DigitRows(3).Select(r => r.Label), labels);
    }

    [Fact]
    public void AHeaderWithoutALabelColumnAsksForLabelAndTheFlagPicksIt()
    {
        using var folder = new TempFolder();
        string csv = LabelFirst(folder, "digit", 64);
        var (code, output) = Rnn("train", "--data", csv, "--epochs", "1", "--out", Path.Combine(folder.Path, "run"));
        Assert.Equal(2, code);
        Assert.Contains("no header column is named label, class or target", output);
        Assert.Contains("--label", output);

        foreach (string label in (string[])["digit", "0"])
        {
            var (ok, trained) = Rnn("train", "--data", csv, "--label", label, "--units", "8", "--epochs", "1", "--out", Path.Combine(folder.Path, "run" + label));
            Assert.True(ok == 0, trained);
            Assert.Contains("label column 1 ('digit')", trained);
            Assert.Contains("; 10 classes", trained);
        }
        Assert.Equal(2, Rnn("train", "--data", csv, "--label", "nope", "--out", Path.Combine(folder.Path, "x")).Code);
        Assert.Equal(2, Rnn("train", "--data", csv, "--label", "65", "--out", Path.Combine(folder.Path, "x")).Code);
    }

    [Fact]
    public void ANonSquareColumnCountNeedsStepsOrInputs()
    {
        using var folder = new TempFolder();
        string csv = LabelFirst(folder, "target", 60);
        var (code, output) = Rnn("train", "--data", csv, "--epochs", "1", "--out", Path.Combine(folder.Path, "run"));
        Assert.Equal(2, code);
        Assert.Contains("60 feature columns, not a square", output);

        var (steps, stepsOutput) = Rnn("train", "--data", csv, "--steps", "6", "--units", "8", "--epochs", "1", "--out", Path.Combine(folder.Path, "a"));
        Assert.True(steps == 0, stepsOutput);
        Assert.Contains("6 steps x 10 inputs;", stepsOutput);
        var (inputs, inputsOutput) = Rnn("train", "--data", csv, "--inputs", "6", "--units", "8", "--epochs", "1", "--out", Path.Combine(folder.Path, "b"));
        Assert.True(inputs == 0, inputsOutput);
        Assert.Contains("10 steps x 6 inputs;", inputsOutput);
        Assert.Matches(new Regex("--steps 7: .*60 feature columns"), Rnn("train", "--data", csv, "--steps", "7", "--out", Path.Combine(folder.Path, "c")).Output);
    }

    [Fact]
    public void AHeaderlessFileHasItsLabelLastAndSaysSo()
    {
        using var folder = new TempFolder();
        var (code, output) = Rnn("train", "--data", Digits, "--units", "8", "--epochs", "1", "--limit", "200", "--out", folder.Path);
        Assert.True(code == 0, output);
        Assert.Contains("label column 65 (last; the file has no header", output);
        // An IDX folder (any folder: the option is refused before anything is read) has its own labels.
        string idxFolder = Directory.CreateDirectory(Path.Combine(folder.Path, "idx")).FullName;
        var refused = Rnn("train", "--data", idxFolder, "--label", "0", "--out", Path.Combine(folder.Path, "run2"));
        Assert.True(refused.Code == 2, refused.Output);
        Assert.Contains("--label, --steps and --inputs are for CSV data", refused.Output);
    }
}
