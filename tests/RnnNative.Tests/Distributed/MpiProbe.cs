using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RnnNative.Tests.Distributed;

/// <summary>Runs tests/RnnNative.MpiProbe (copied beside the tests) with or without mpirun, with a time limit.</summary>
internal static partial class MpiProbe
{
    /// <summary>The mpirun on PATH, or null.</summary>
    public static string? Mpirun { get; } = RnnNative.Cli.RankJobs.FindMpirun();

    private static string ProbeDll => Path.Combine(AppContext.BaseDirectory, "RnnNative.MpiProbe.dll");

    internal static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>The output of one run: exit code, stdout, stderr, wall time and whether the time limit killed it.</summary>
    public sealed record Run(int ExitCode, string Output, string Errors, TimeSpan Elapsed, bool TimedOut)
    {
        /// <summary>The values printed as "<paramref name="key"/>[rank]: value", by rank.</summary>
        public Dictionary<int, string> Values(string key) => Lines(key).ToDictionary(l => l.Rank, l => l.Value);

        /// <summary>Every "<paramref name="key"/>[rank]: value" line, in output order.</summary>
        public (int Rank, string Value)[] Lines(string key) => OutputLine().Matches(Output)
            .Where(m => m.Groups[1].Value == key)
            .Select(m => (int.Parse(m.Groups[2].Value), m.Groups[3].Value.Trim()))
            .ToArray();

        public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s{(TimedOut ? " (timed out)" : "")}\n{Output}\n{Errors}";
    }

    /// <summary><c>mpirun -n <paramref name="ranks"/> dotnet RnnNative.MpiProbe.dll <paramref name="scenario"/></c>.</summary>
    public static Run WithMpirun(int ranks, string scenario, TimeSpan limit) => Start(Mpirun ?? "mpirun",
        ["--allow-run-as-root", "--oversubscribe", "-n", ranks.ToString(), "--mca", "mpi_yield_when_idle", "1",
         DotnetHost, ProbeDll, scenario], limit);

    /// <summary><c>dotnet RnnNative.MpiProbe.dll <paramref name="scenario"/></c> without a launcher (MPI singleton mode).</summary>
    public static Run Alone(string scenario, TimeSpan limit) => Start(DotnetHost, [ProbeDll, scenario], limit);

    /// <summary>
    /// Starts <paramref name="file"/> without the caller's MPI environment and waits at most <paramref name="limit"/>;
    /// <paramref name="whileRunning"/> (given the process id) runs once it has started.
    /// </summary>
    internal static Run Start(string file, string[] arguments, TimeSpan limit, Action<int>? whileRunning = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments) info.ArgumentList.Add(a);
        foreach (string name in info.Environment.Keys.Where(k => k.StartsWith("OMPI_", StringComparison.Ordinal) || k.StartsWith("PMIX_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(name); // a child of a test run that itself runs under mpirun must start its own job
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        whileRunning?.Invoke(process.Id);
        bool exited = process.WaitForExit(limit);
        if (!exited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return new Run(process.ExitCode, output.Result, errors.Result, clock.Elapsed, !exited);
    }

    [GeneratedRegex(@"(\w+)\[(\d+)\]: (.*)$", RegexOptions.Multiline)]
    private static partial Regex OutputLine();
}
