using System.Runtime.InteropServices;

namespace RnnNative.Benchmarking;

/// <summary>
/// CPU time the calling thread has used (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>, through the vDSO: tens
/// of nanoseconds, no allocation). On a shared machine a step's wall time includes the time its thread waited for a
/// core; its CPU time does not, so it is the cost the step would have on a core of its own.
/// </summary>
internal static partial class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc.so.6", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);

    /// <summary>Whether the thread CPU clock can be read here (Linux).</summary>
    public static bool IsAvailable { get; } = OperatingSystem.IsLinux();

    /// <summary>Nanoseconds of CPU time of the calling thread so far; 0 where <see cref="IsAvailable"/> is false.</summary>
    public static long Nanoseconds()
    {
        if (!IsAvailable || ClockGetTime(ClockThreadCpuTimeId, out var time) != 0) return 0;
        return time.Seconds * 1_000_000_000 + time.Nanoseconds;
    }
}
