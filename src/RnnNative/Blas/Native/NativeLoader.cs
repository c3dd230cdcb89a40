namespace RnnNative.Blas.Native;

/// <summary>What to load: a main library, the companions it needs from the same folder, and how to check it.</summary>
/// <param name="DisplayName">For messages, e.g. "OpenBLAS".</param>
/// <param name="FileName">The main library's file name / soname, e.g. <c>libopenblas.so.0</c>.</param>
/// <param name="ProbeSymbol">An export of the main library (used to find the file a bare name resolved to).</param>
/// <param name="Preload">Companion files loaded by full path first when present beside the main library
/// (glibc then satisfies the main library's DT_NEEDED entries by soname).</param>
/// <param name="GlobalPreload">Files loaded with RTLD_GLOBAL before the main library (runtimes it dlopens by a
/// name we cannot control, or symbols that must interpose): the copy beside the main library if there is one,
/// else the bare name through the system loader. A failure here fails the candidate.</param>
/// <param name="Required">Companion files that must sit beside the main library (it dlopens them itself).</param>
/// <param name="SystemName">Bare name for the system loader, or null to skip the system.</param>
internal sealed record NativeLibrarySpec(
    string DisplayName, string FileName, string ProbeSymbol,
    string[] Preload, string[] GlobalPreload, string[] Required, string? SystemName);

/// <summary>A loaded main library: its dlopen handle and the file it came from.</summary>
internal sealed record LoadedLibrary(nint Handle, string Path)
{
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    public nint Export(string name) => System.Runtime.InteropServices.NativeLibrary.GetExport(Handle, name);
}

/// <summary>Finds and loads a native library along a search path, recording why each candidate failed.</summary>
internal static class NativeLoader
{
    /// <summary>Loads <paramref name="spec"/> from the first folder that works, then the system.</summary>
    /// <exception cref="BlasLibraryNotFoundException">Nothing loaded; lists every path tried.</exception>
    public static LoadedLibrary Load(NativeLibrarySpec spec, IEnumerable<string> directories)
    {
        var attempts = new List<string>();
        foreach (string dir in directories)
        {
            if (TryLoadFrom(spec, dir, attempts) is { } loaded) return loaded;
        }
        if (spec.SystemName != null && TryLoadSystem(spec, attempts) is { } system) return system;
        throw new BlasLibraryNotFoundException($"{spec.DisplayName} ({spec.FileName})", attempts);
    }

    private static LoadedLibrary? TryLoadFrom(NativeLibrarySpec spec, string dir, List<string> attempts)
    {
        string path = Path.Combine(dir, spec.FileName);
        if (!File.Exists(path)) { attempts.Add($"{path}: no such file"); return null; }
        if (MissingCompanions(spec, dir) is { } missing) { attempts.Add($"{path}: {missing}"); return null; }
        foreach (string companion in spec.Preload)
        {
            string companionPath = Path.Combine(dir, companion);
            if (File.Exists(companionPath) && Dl.TryOpen(companionPath, global: false, out string err) == 0)
                attempts.Add($"{companionPath}: {err} (continuing)");
        }
        if (!TryGlobalPreload(spec, dir, path, attempts)) return null;
        nint handle = Dl.TryOpen(path, global: false, out string error);
        if (handle == 0) { attempts.Add($"{path}: {error}"); return null; }
        return new LoadedLibrary(handle, path);
    }

    private static LoadedLibrary? TryLoadSystem(NativeLibrarySpec spec, List<string> attempts)
    {
        string name = spec.SystemName!;
        if (!TryGlobalPreload(spec, dir: null, name, attempts)) return null;
        nint handle = Dl.TryOpen(name, global: false, out string error);
        if (handle == 0) { attempts.Add($"{name} (system loader path): {error}"); return null; }
        var probe = new LoadedLibrary(handle, name);
        string path = Dl.FileOf(probe.Export(spec.ProbeSymbol)) ?? name;
        if (Path.IsPathRooted(path) && MissingCompanions(spec, Path.GetDirectoryName(path)!) is { } missing)
        {
            attempts.Add($"{name} (system, {path}): {missing}");
            return null;
        }
        return probe with { Path = path };
    }

    private static bool TryGlobalPreload(NativeLibrarySpec spec, string? dir, string mainPath, List<string> attempts)
    {
        foreach (string file in spec.GlobalPreload)
        {
            string candidate = dir != null && File.Exists(Path.Combine(dir, file)) ? Path.Combine(dir, file) : file;
            if (Dl.TryOpen(candidate, global: true, out string error) == 0)
            {
                attempts.Add($"{mainPath}: needs {file} loaded first, which failed: {error}");
                return false;
            }
        }
        return true;
    }

    private static string? MissingCompanions(NativeLibrarySpec spec, string dir)
    {
        string[] missing = spec.Required.Where(f => !File.Exists(Path.Combine(dir, f))).ToArray();
        return missing.Length == 0 ? null : $"found, but its folder lacks {string.Join(", ", missing)}";
    }
}
