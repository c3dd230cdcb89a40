using static RnnNative.Tests.Cli.InProcessRnn;
using RnnNative.Cli;
using RnnNative.Tests.Data;

namespace RnnNative.Tests.Cli;

/// <summary>
/// What <c>rnn train</c>/<c>rnn eval</c> do around a run: new timestamped run folders with <c>runs/latest</c>
/// pointing at the newest, <c>--quiet</c>, "1 epoch", and class names from <c>classes.txt</c> or Fashion-MNIST.
/// </summary>
public class RunHabitsTests
{
    [Fact]
    public void EveryDefaultRunGetsANewFolderAndLatestPointsAtTheNewest()
    {
        using var temp = new TempFolder();
        string runs = Path.Combine(temp.Path, "runs");
        var now = new DateTime(2026, 12, 4, 17, 5, 9, DateTimeKind.Utc);
        string first = RunFolders.CreateNew(runs, now);
        File.WriteAllText(Path.Combine(first, "model.ckpt"), "first");
        string second = RunFolders.CreateNew(runs, now); // same second: a suffix, never the same folder

        Assert.Equal(Path.Combine(runs, "20261204-170509"), first);
        Assert.Equal(Path.Combine(runs, "20261204-170509-2"), second);
        Assert.Equal("first", File.ReadAllText(Path.Combine(first, "model.ckpt")));
        var latest = new DirectoryInfo(Path.Combine(runs, RunFolders.Latest));
        Assert.Equal("20261204-170509-2", latest.LinkTarget);
        Assert.Equal(Path.GetFullPath(second), Path.GetFullPath(latest.ResolveLinkTarget(true)!.FullName));
    }

    [Fact]
    public void ARealLatestFolderFromAnOlderVersionIsNotReplaced()
    {
        using var temp = new TempFolder();
        string runs = Path.Combine(temp.Path, "runs");
        Directory.CreateDirectory(Path.Combine(runs, RunFolders.Latest));
        File.WriteAllText(Path.Combine(runs, RunFolders.Latest, "model.ckpt"), "old");
        var e = Assert.ThrowsAny<Exception>(() => RunFolders.CreateNew(runs, DateTime.UtcNow));
        Assert.Contains("is a folder, not the link", e.Message);
        Assert.Equal("old", File.ReadAllText(Path.Combine(runs, RunFolders.Latest, "model.ckpt")));
    }

    [Fact]
    public void QuietTrainingPrintsTheHeaderAndTheResultOnly()
    {
        using var run = new TempFolder();
        var (code, output) = Rnn("train", "--data", Digits, "--units", "8", "--epochs", "1", "--limit", "200", "--quiet", "--out", run.Path);
        Assert.True(code == 0, output);
        Assert.Contains("batch 150, 1 epoch", output);
        Assert.DoesNotContain("1 epochs", output);
        Assert.DoesNotContain("train_loss", output);
        Assert.Contains("test accuracy of the chosen model (epoch 1)", output);

        var (loud, loudOutput) = Rnn("train", "--data", Digits, "--units", "8", "--epochs", "2", "--limit", "200", "--out", run.Path, "--overwrite");
        Assert.True(loud == 0, loudOutput);
        Assert.Contains("2 epochs", loudOutput);
        Assert.Contains("train_loss", loudOutput);
    }

    [Fact]
    public void ClassNamesFromClassesTxtReachTheEvalTable()
    {
        using var temp = new TempFolder();
        string csv = Path.Combine(temp.Path, "digits.csv.gz");
        File.Copy(Digits, csv);
        string[] names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
        File.WriteAllLines(Path.Combine(temp.Path, ClassNames.FileName), names);
        string run = Path.Combine(temp.Path, "run");
        var (code, output) = Rnn("train", "--data", csv, "--units", "8", "--epochs", "1", "--limit", "200", "--out", run);
        Assert.True(code == 0, output);
        Assert.Contains("10 classes (zero, one, two", output);

        var (evalCode, evalOutput) = Rnn("eval", "--model", run);
        Assert.True(evalCode == 0, evalOutput);
        Assert.Contains("seven", evalOutput);
        Assert.Contains("eight", evalOutput);
        Assert.True(File.Exists(Path.Combine(run, "confusion.png")));

        File.WriteAllLines(Path.Combine(temp.Path, ClassNames.FileName), names[..9]);
        var (bad, badOutput) = Rnn("train", "--data", csv, "--epochs", "1", "--out", run);
        Assert.Equal(1, bad);
        Assert.Contains("has 9 names for 10 classes", badOutput);
    }

    [Fact]
    public void VersionPrintsTheAssemblyInformationalVersion()
    {
        var (code, output) = Rnn("--version");
        Assert.Equal(0, code);
        string expected = typeof(RnnCli).Assembly.GetName().Version!.ToString(3);
        Assert.Matches($"^rnn {System.Text.RegularExpressions.Regex.Escape(expected)}(\\+[0-9a-f]+)?\\s*$", output);
    }

    [Fact]
    public void AFashionMnistFolderHasTheGarmentNames()
    {
        using var temp = new TempFolder();
        string fashion = Directory.CreateDirectory(Path.Combine(temp.Path, "fashion-mnist")).FullName;
        string other = Directory.CreateDirectory(Path.Combine(temp.Path, "mnist")).FullName;
        Assert.Equal("Ankle boot", ClassNames.Find(fashion, 10)![9]);
        Assert.Equal("T-shirt/top", ClassNames.Find(fashion + "/", 10)![0]);
        Assert.Null(ClassNames.Find(other, 10));
        Assert.Null(ClassNames.Find(fashion, 5)); // not Fashion-MNIST's ten classes
    }
}
