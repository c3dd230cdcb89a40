using System.Diagnostics;
using RnnNative.Tests.Data;
using RnnNative.Training;

namespace RnnNative.Tests.Training;

public class AtomicFileTests
{
    private static string Temp(string folder, string target, int pid) =>
        Path.Combine(folder, $".{target}.{pid}.{Guid.NewGuid():N}.tmp");

    private static int DeadProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    [Fact]
    public void AWriteRemovesStaleTemporariesOfItsTarget()
    {
        using var folder = new TempFolder();
        int dead = DeadProcessId();
        string ofDeadProcess = Temp(folder.Path, "model.ckpt", dead);
        string oldOfLiveProcess = Temp(folder.Path, "model.ckpt", Environment.ProcessId);
        string freshOfLiveProcess = Temp(folder.Path, "model.ckpt", Environment.ProcessId);
        string otherTarget = Temp(folder.Path, "best.ckpt", dead);
        string unrelated = Path.Combine(folder.Path, ".model.ckpt.notes.tmp");
        foreach (string path in new[] { ofDeadProcess, oldOfLiveProcess, freshOfLiveProcess, otherTarget, unrelated })
            File.WriteAllText(path, "partial");
        File.SetLastWriteTimeUtc(oldOfLiveProcess, DateTime.UtcNow - AtomicFile.StaleAge - TimeSpan.FromHours(1));

        AtomicFile.WriteAllBytes(Path.Combine(folder.Path, "model.ckpt"), [1, 2, 3]);

        Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(folder.Path, "model.ckpt")));
        Assert.False(File.Exists(ofDeadProcess), "a dead process's temporary stays");
        Assert.False(File.Exists(oldOfLiveProcess), "an old temporary stays");
        Assert.True(File.Exists(freshOfLiveProcess), "a write in progress must not be removed");
        Assert.True(File.Exists(otherTarget), "another target's temporaries are its own business");
        Assert.True(File.Exists(unrelated));
    }
}
