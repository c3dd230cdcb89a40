namespace RnnNative.Blas.Native;

/// <summary>
/// Where native BLAS libraries are looked for, in order: <c>RNNNATIVE_NATIVE_DIR</c> (when set), the
/// app's <c>runtimes/linux-x64/native/</c> (runtime NuGet packages), the app folder itself (RID-specific
/// publish), <c>native/lib/</c> of the repository the app was built in (filled by <c>build.ps1 deps</c>),
/// and finally the system loader path (bare soname).
/// </summary>
internal static class NativeSearchPath
{
    public const string RuntimeSubfolder = "runtimes/linux-x64/native";
    private const string SolutionFile = "RnnNative.sln";

    /// <summary>The folders to try before the system, without duplicates.</summary>
    public static IReadOnlyList<string> Directories(string? explicitDir = null)
    {
        var dirs = new List<string>();
        void Add(string? dir)
        {
            if (string.IsNullOrEmpty(dir)) return;
            string full = Path.GetFullPath(dir);
            if (!dirs.Contains(full)) dirs.Add(full);
        }
        Add(explicitDir ?? BlasEnvironment.Get(BlasEnvironment.NativeDirVariable));
        string baseDir = AppContext.BaseDirectory;
        Add(Path.Combine(baseDir, RuntimeSubfolder));
        Add(baseDir);
        if (FindRepositoryRoot(baseDir) is { } root) Add(Path.Combine(root, "native", "lib"));
        return dirs;
    }

    /// <summary>Walks up from <paramref name="start"/> to the folder holding RnnNative.sln.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                return dir.FullName;
        return null;
    }
}
