using System.Diagnostics;
using RnnNative.Tests.Data;

namespace RnnNative.Tests.Build;

/// <summary>
/// build.ps1 run through <c>dotnet pwsh</c> (the local tool CI restores): the arguments after a pass-through task
/// (train, bench; the hidden <c>args</c> task prints what they would get) reach the command verbatim.
/// </summary>
public class BuildScriptTests
{
    private static (int Code, string Output) BuildPs1(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])["pwsh", "-NoProfile", "build.ps1", .. args]) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "build.ps1 did not finish in 2 minutes");
        return (process.ExitCode, stdout + stderr.Result);
    }

    private static string[] Received(string output) =>
        output.Split('\n').Where(l => l.StartsWith("arg: ", StringComparison.Ordinal)).Select(l => l[5..].TrimEnd('\r')).ToArray();

    [Fact]
    public void ArgumentsAfterAPassThroughTaskArriveVerbatim()
    {
        string[] rnnArgs = ["--out", "runs/x", "--verbose", "--lr", "0.01", "-v", "--", "two words", "-Force", "--c=3"];
        var (code, output) = BuildPs1(["args", .. rnnArgs]);
        Assert.True(code == 0, output);
        Assert.Equal(rnnArgs, Received(output));
    }

    [Fact]
    public void BuildOptionsBeforeThePassThroughArgumentsAreTakenByBuildPs1()
    {
        var (code, output) = BuildPs1("-Force", "args", "-Configuration", "Debug", "--", "--out", "-Force");
        Assert.True(code == 0, output);
        Assert.Equal(["--out", "-Force"], Received(output));
    }

    [Fact]
    public void AnUnknownTaskIsAOneLineErrorWithExitCode2()
    {
        var (code, output) = BuildPs1("--out", "runs/x");
        Assert.Equal(2, code);
        Assert.Contains("unknown task '--out'", output);
    }
}
