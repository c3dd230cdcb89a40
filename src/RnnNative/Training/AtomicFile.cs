namespace RnnNative.Training;

/// <summary>
/// Replaces a file atomically: the content goes to a temporary file in the same folder, is flushed to disk,
/// and is then renamed over the target. A reader sees the old file or the new one, never a mix; when the
/// write fails the old file is untouched and the temporary file is removed.
/// </summary>
/// <remarks>
/// Temporary files are named <c>.&lt;name&gt;.&lt;pid&gt;.&lt;guid&gt;.tmp</c>. A process killed mid-write leaves
/// its file behind; every write removes the stale ones of the same target: those whose process id is no
/// longer running, or that are older than <see cref="StaleAge"/> (a reused process id).
/// </remarks>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with the bytes <paramref name="write"/> puts into the stream.</summary>
    /// <exception cref="IOException">The folder is not writable, the disk is full... (the old file is kept).</exception>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        RemoveStaleTemporaries(folder, Path.GetFileName(full));
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    /// <summary>Age after which a temporary file is stale even when its process id is running again.</summary>
    public static readonly TimeSpan StaleAge = TimeSpan.FromHours(24);

    // .<name>.<pid>.<32 hex digits>.tmp of a process that is gone, or too old to be a write in progress.
    private static void RemoveStaleTemporaries(string folder, string name)
    {
        if (!Directory.Exists(folder)) return;
        string prefix = $".{name}.";
        foreach (string path in Directory.EnumerateFiles(folder, $".{name}.*.tmp"))
        {
            string[] parts = Path.GetFileName(path)[prefix.Length..^".tmp".Length].Split('.');
            if (parts.Length != 2 || parts[1].Length != 32 || !int.TryParse(parts[0], out int pid)) continue;
            bool old = DateTime.UtcNow - File.GetLastWriteTimeUtc(path) > StaleAge;
            if (old || (pid != Environment.ProcessId && !IsRunning(pid))) TryDelete(path);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
