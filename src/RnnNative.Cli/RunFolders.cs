using System.Globalization;

namespace RnnNative.Cli;

/// <summary>
/// The default run folder of <c>rnn train</c>: a new <c>runs/YYYYMMDD-HHMMSS</c> folder (never an earlier run's),
/// with the symbolic link <c>runs/latest</c> pointing at it so <c>rnn eval --model runs/latest</c> finds it.
/// </summary>
internal static class RunFolders
{
    public const string Latest = "latest";

    /// <summary>Creates a new timestamped folder under <paramref name="runs"/> and points <c>latest</c> at it.</summary>
    /// <returns>The new folder's path (under <paramref name="runs"/>).</returns>
    public static string CreateNew(string runs, DateTime utcNow)
    {
        Directory.CreateDirectory(runs);
        string stamp = utcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string name = stamp;
        for (int n = 2; Directory.Exists(Path.Combine(runs, name)) || File.Exists(Path.Combine(runs, name)); n++) name = $"{stamp}-{n}";
        string folder = Path.Combine(runs, name);
        Directory.CreateDirectory(folder);
        PointLatestAt(runs, name);
        return folder;
    }

    // runs/latest -> name (relative, so the runs folder can move). A real folder named latest (from older
    // versions) is left alone and reported instead of being replaced.
    private static void PointLatestAt(string runs, string name)
    {
        string latest = Path.Combine(runs, Latest);
        var info = new DirectoryInfo(latest);
        if (info.Exists && info.LinkTarget is null)
            throw new CliException($"{latest} is a folder, not the link to the newest run: rename it (or pass --out).");
        if (info.LinkTarget is not null || File.Exists(latest)) File.Delete(latest);
        Directory.CreateSymbolicLink(latest, name);
    }
}
