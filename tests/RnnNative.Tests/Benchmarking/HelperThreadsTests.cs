using RnnNative.Kernels;

namespace RnnNative.Tests.Benchmarking;

/// <summary>The persistent helper threads of the split fused RNN: every part runs once per job, failures surface.</summary>
public class HelperThreadsTests
{
    private sealed class CountingJob(int parts) : IPartJob
    {
        public readonly int[] Runs = new int[parts];
        public readonly int[] Threads = new int[parts];
        public int FailingPart = -1;

        public void Run(int part)
        {
            Runs[part]++;
            Threads[part] = Environment.CurrentManagedThreadId;
            if (part == FailingPart) throw new InvalidOperationException($"part {part} failed");
        }
    }

    [Fact]
    public void EveryPartRunsOncePerJobAndPartZeroOnTheCaller()
    {
        using var helpers = new HelperThreads(3);
        var job = new CountingJob(3);
        for (int i = 0; i < 500; i++) helpers.Run(job);   // also across the spin-then-block hand-off
        Assert.Equal([500, 500, 500], job.Runs);
        Assert.Equal(Environment.CurrentManagedThreadId, job.Threads[0]);
        Assert.Equal(3, job.Threads.Distinct().Count());
    }

    [Fact]
    public void AJobAfterTheHelpersBlockedStillRuns()
    {
        using var helpers = new HelperThreads(2);
        var job = new CountingJob(2);
        helpers.Run(job);
        Thread.Sleep(30);   // well past the spin time: the helper is blocked on its semaphore
        helpers.Run(job);
        Assert.Equal([2, 2], job.Runs);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void AFailureIsRethrownAfterEveryPartFinished(int failing)
    {
        using var helpers = new HelperThreads(2);
        var job = new CountingJob(2) { FailingPart = failing };
        var e = Assert.Throws<InvalidOperationException>(() => helpers.Run(job));
        Assert.Equal($"part {failing} failed", e.Message);
        Assert.Equal([1, 1], job.Runs);
        job.FailingPart = -1;
        helpers.Run(job);   // the threads survive a failure
        Assert.Equal([2, 2], job.Runs);
    }

    [Fact]
    public void RunAfterDisposeThrows()
    {
        var helpers = new HelperThreads(2);
        helpers.Dispose();
        Assert.Throws<ObjectDisposedException>(() => helpers.Run(new CountingJob(2)));
    }
}
