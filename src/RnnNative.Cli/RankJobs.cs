using System.Diagnostics;
using RnnNative.Benchmarking;

namespace RnnNative.Cli;

/// <summary>
/// Starts the <c>mpirun -n N</c> jobs of <c>rnn bench --ranks</c>: this same rnn as every rank, with the caller's
/// options, one backend and <c>--json</c>; rank 0's record is parsed from the job's output.
/// </summary>
/// <param name="bindTo">mpirun's --bind-to (core or none), or null for Open MPI's default.</param>
/// <param name="yieldWhenIdle">Whether to pass <c>--mca mpi_yield_when_idle 1</c>.</param>
internal sealed class RankJobs(string? bindTo, bool yieldWhenIdle)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(15);

    // Options of the launcher that the ranks must not see, with whether each takes a value.
    private static readonly Dictionary<string, bool> LauncherOnly = new()
    {
        ["--ranks"] = true, ["--backend"] = true, ["--bind-to"] = true, ["--json"] = false, ["--yield-when-idle"] = false,
    };

    /// <summary>Runs one job of <paramref name="ranks"/> ranks on <paramref name="backend"/>; <paramref name="args"/> are the caller's bench options.</summary>
    /// <exception cref="CliException">mpirun is missing, or the job failed or printed no record.</exception>
    public RankBenchmarkResult Run(int ranks, string backend, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(Mpirun()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in MpirunArguments(ranks)) info.ArgumentList.Add(a);
        info.ArgumentList.Add(DotnetHost());
        info.ArgumentList.Add(typeof(RankJobs).Assembly.Location);
        info.ArgumentList.Add("bench");
        foreach (string a in RankArguments(args, ranks, backend)) info.ArgumentList.Add(a);
        var (code, output, errors) = Start(info);
        // The record is rank 0's last line that holds a JSON object (a terminal may prefix escape sequences).
        string? line = output.Split('\n').Where(l => l.Contains("{\"ranks\":", StringComparison.Ordinal))
            .Select(l => l[l.IndexOf('{')..].Trim()).LastOrDefault();
        if (code != 0 || line is null)
            throw new CliException($"the {ranks}-rank job failed (exit code {code}): {Tail(errors.Length > 0 ? errors : output)}");
        return RankBenchmarkResult.FromJson(line) with { BindTo = bindTo ?? "default", Oversubscribed = ranks > Environment.ProcessorCount };
    }

    /// <summary>mpirun's options for a job of <paramref name="ranks"/> ranks (oversubscribed when they outnumber the cores).</summary>
    internal List<string> MpirunArguments(int ranks)
    {
        bool oversubscribed = ranks > Environment.ProcessorCount;
        var list = new List<string>();
        if (Environment.UserName == "root") list.Add("--allow-run-as-root"); // mpirun refuses root without it (containers, CI)
        if (oversubscribed) list.Add("--oversubscribe");
        if (bindTo is not null) list.AddRange(["--bind-to", bindTo == "core" && oversubscribed ? "core:overload-allowed" : bindTo]);
        if (yieldWhenIdle) list.AddRange(["--mca", "mpi_yield_when_idle", "1"]);
        list.AddRange(["-n", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return list;
    }

    /// <summary>The caller's options without the launcher's own, then <c>--ranks N --backend B --json</c>.</summary>
    internal static List<string> RankArguments(IReadOnlyList<string> args, int ranks, string backend)
    {
        var list = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            if (LauncherOnly.TryGetValue(args[i], out bool hasValue)) { if (hasValue) i++; continue; }
            list.Add(args[i]);
        }
        list.AddRange(["--ranks", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), "--backend", backend, "--json"]);
        return list;
    }

    /// <summary>The first mpirun on PATH, or null.</summary>
    internal static string? FindMpirun() => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "mpirun"))
        .FirstOrDefault(File.Exists);

    private static string Mpirun() => FindMpirun()
        ?? throw new CliException($"rnn bench --ranks needs Open MPI's mpirun on PATH: run `{Distributed.MpiLibraryNotFoundException.FixCommand}` "
            + $"(as root) or `{Distributed.MpiLibraryNotFoundException.AptCommand}`.");

    // The dotnet host running this rnn (every rank runs `dotnet rnn.dll`).
    private static string DotnetHost()
    {
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }

    private static (int Code, string Output, string Errors) Start(ProcessStartInfo info)
    {
        using var process = Process.Start(info) ?? throw new CliException($"could not start {info.FileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new CliException($"the mpirun job did not finish within {Limit.TotalMinutes} minutes; it was stopped.");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors.Result);
    }

    private static string Tail(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" | ", lines.TakeLast(6));
    }
}
