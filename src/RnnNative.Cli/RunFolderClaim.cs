namespace RnnNative.Cli;

/// <summary>
/// Who may write a run folder: a new run refuses a folder that already holds a run unless told to start over
/// (<c>--overwrite</c>), and then removes the old run's files first, so a folder never mixes two runs.
/// </summary>
/// <remarks>The default folder (<c>runs/latest</c>, no <c>--out</c>) is meant to be replaced and needs no
/// <c>--overwrite</c>; its old files are still removed before training starts.</remarks>
internal static class RunFolderClaim
{
    /// <summary>Makes <paramref name="folder"/> ready for a new run, or throws when it holds one that may not be replaced.</summary>
    /// <exception cref="CliException">The folder holds a run, it was named with --out and --overwrite was not given.</exception>
    public static void ForNewRun(RunFolder folder, bool named, bool overwrite)
    {
        string[] existing = RunFiles(folder).Where(File.Exists).ToArray();
        if (existing.Length > 0 && named && !overwrite)
            throw new CliException(
                $"--out '{folder.Path}' already holds a run ({string.Join(", ", existing.Select(Path.GetFileName))}); " +
                "pass --overwrite to replace it, or choose another folder.");
        foreach (string file in existing) File.Delete(file);
        Directory.CreateDirectory(folder.Path);
    }

    private static IEnumerable<string> RunFiles(RunFolder folder) => [folder.Last, folder.Best, folder.Metrics, folder.Plot, folder.Resume];
}
