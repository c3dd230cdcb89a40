using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using RnnNative.Tests.Data;

namespace RnnNative.Tests.Examples;

/// <summary>
/// The programs under examples/ run as printed (each built dll started with <c>dotnet</c> in a temporary folder,
/// on the shipped digits, managed backend), and the README's library code blocks are exactly their marked regions.
/// </summary>
public class ExampleProgramsTests
{
    private static readonly string Digits = Path.Combine(RepoPaths.Root, "data", "digits.csv.gz");

    // examples/<name>/bin/<configuration>/<tfm>/<name>.dll, in the configuration this test assembly was built in.
    private static string BuiltDll(string name)
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string dll = Path.Combine(RepoPaths.Root, "examples", name, "bin", tfm.Parent!.Name, tfm.Name, name + ".dll");
        Assert.True(File.Exists(dll), $"{dll} is not built (the test project references examples/{name} to build it first)");
        return dll;
    }

    private static (int Code, string Output) RunExample(string name, string workingDirectory)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["RNNNATIVE_BLAS"] = "managed" },
        };
        start.ArgumentList.Add(BuiltDll(name));
        start.ArgumentList.Add(Digits);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"examples/{name} did not finish in 5 minutes");
        return (process.ExitCode, stdout + stderr.Result);
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [Fact]
    public void QuickStartTrainsTheGraphModelAndItsTestLossFalls()
    {
        using var folder = new TempFolder();
        var (code, output) = RunExample("QuickStart", folder.Path);
        Assert.True(code == 0, output);
        var epochs = Regex.Matches(output, @"epoch (\d+): test loss ([\d.]+), test accuracy ([\d.]+) %");
        Assert.Equal(10, epochs.Count);
        Assert.True(Number(epochs[^1].Groups[2].Value) < 0.7 * Number(epochs[0].Groups[2].Value), output);
        Assert.True(Number(epochs[^1].Groups[3].Value) > 80, output); // chance is 10%
        Assert.Matches(@"Tensor<Float32>\(1, 10\) \[\[-?[\d.]+(, -?[\d.E-]+){9}\]\]", output); // logits printed with their values
    }

    [Fact]
    public void ClassifierExampleStopsOnValidationAndScoresTheChosenModelOnce()
    {
        using var folder = new TempFolder();
        var (code, output) = RunExample("Classifier", folder.Path);
        Assert.True(code == 0, output);
        var epochs = Regex.Matches(output, @"epoch (\d+): train loss ([\d.]+), val loss ([\d.]+), val accuracy");
        Assert.InRange(epochs.Count, 2, 30);
        Assert.True(Number(epochs[^1].Groups[2].Value) < Number(epochs[0].Groups[2].Value), output);
        double[] valLosses = epochs.Select(m => Number(m.Groups[3].Value)).ToArray();
        int best = Array.IndexOf(valLosses, valLosses.Min()) + 1; // printed to 4 places: ties resolve to the first, as EarlyStopping does
        var test = Regex.Match(output, @"test accuracy of the chosen model \(epoch (\d+)\): ([\d.]+) %");
        Assert.True(test.Success, output);
        Assert.Equal(best, int.Parse(test.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.True(Number(test.Groups[2].Value) > 80, output);
        Assert.True(File.Exists(Path.Combine(folder.Path, "best.ckpt")));
    }

    [Theory]
    [InlineData(0, "QuickStart", "quickstart")]
    [InlineData(1, "Classifier", "classifier")]
    public void ReadmeCodeBlockIsTheExampleRegion(int block, string example, string marker)
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).ReplaceLineEndings("\n");
        int section = readme.IndexOf("## Using the library", StringComparison.Ordinal);
        Assert.True(section >= 0, "README has no 'Using the library' section");
        var blocks = Regex.Matches(readme[section..], "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(blocks.Count > block, "README's 'Using the library' has too few csharp blocks");

        string source = File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", example, "Program.cs")).ReplaceLineEndings("\n");
        var region = Regex.Match(source, $"// <{marker}>\n(.*?)// </{marker}>\n", RegexOptions.Singleline);
        Assert.True(region.Success, $"examples/{example}/Program.cs has no // <{marker}> region");
        Assert.Equal(region.Groups[1].Value, blocks[block].Groups[1].Value);
    }
}
