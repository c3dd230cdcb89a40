namespace RnnNative.Tests.Core;

/// <summary>The one fork-join pool: every part runs once per job, part 0 on the caller, failures surface after every part ended.</summary>
public class ForkJoinPoolTests
{
    private sealed class CountingJob(int parts) : IPartJob
    {
        public readonly int[] Runs = new int[parts];
        public readonly int[] Threads = new int[parts];
        public readonly bool[] Finished = new bool[parts];
        public readonly HashSet<int> FailingParts = [];
        public int SlowPart = -1;

        public void Run(int part)
        {
            Runs[part]++;
            Threads[part] = Environment.CurrentManagedThreadId;
            Finished[part] = false;
            if (part == SlowPart) Thread.Sleep(50);
            Finished[part] = true;
            if (FailingParts.Contains(part)) throw new InvalidOperationException($"part {part} failed");
        }
    }

    [Fact]
    public void EveryPartRunsOncePerJobAndPartZeroOnTheCaller()
    {
        using var pool = new ForkJoinPool(3);
        var job = new CountingJob(3);
        for (int i = 0; i < 500; i++) pool.Run(job);   // also across the spin-then-block hand-off
        Assert.Equal([500, 500, 500], job.Runs);
        Assert.Equal(Environment.CurrentManagedThreadId, job.Threads[0]);
        Assert.Equal(3, job.Threads.Distinct().Count());
    }

    [Fact]
    public void OnePartRunsOnTheCallerAlone()
    {
        using var pool = new ForkJoinPool(1);
        var job = new CountingJob(1);
        pool.Run(job);
        pool.Run(job);
        Assert.Equal(1, pool.Parts);
        Assert.Equal([2], job.Runs);
        Assert.Equal(Environment.CurrentManagedThreadId, job.Threads[0]);
        Assert.Equal(0, pool.WaitTicks);
    }

    [Fact]
    public void AJobAfterTheHelpersBlockedStillRuns()
    {
        using var pool = new ForkJoinPool(2);
        var job = new CountingJob(2);
        pool.Run(job);
        Thread.Sleep(30);   // well past the spin time: the helper is blocked on its semaphore
        pool.Run(job);
        Assert.Equal([2, 2], job.Runs);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void AFailureIsRethrownAfterEveryPartFinished(int failing)
    {
        using var pool = new ForkJoinPool(2);
        // The other part is slow: the failure must still wait for it.
        var job = new CountingJob(2) { FailingParts = { failing }, SlowPart = 1 - failing };
        var e = Assert.Throws<InvalidOperationException>(() => pool.Run(job));
        Assert.Equal($"part {failing} failed", e.Message);
        Assert.Equal([1, 1], job.Runs);
        Assert.Equal([true, true], job.Finished);
        job.FailingParts.Clear();
        pool.Run(job);   // the threads survive a failure, and no stale failure is rethrown
        Assert.Equal([2, 2], job.Runs);
    }

    [Fact]
    public void WhenSeveralPartsFailTheFirstPartsFailureIsRethrown()
    {
        using var pool = new ForkJoinPool(3);
        var job = new CountingJob(3) { FailingParts = { 0, 2 } };
        Assert.Equal("part 0 failed", Assert.Throws<InvalidOperationException>(() => pool.Run(job)).Message);
        job.FailingParts.Remove(0);
        job.FailingParts.Add(1);
        Assert.Equal("part 1 failed", Assert.Throws<InvalidOperationException>(() => pool.Run(job)).Message);
        job.FailingParts.Clear();
        pool.Run(job);
        Assert.Equal([3, 3, 3], job.Runs);
    }

    [Fact]
    public void ARunInsideARunIsRefused()
    {
        using var pool = new ForkJoinPool(2);
        var inner = new CountingJob(2);
        var outer = new NestedJob(pool, inner);
        var e = Assert.Throws<InvalidOperationException>(() => pool.Run(outer));
        Assert.Contains("another Run", e.Message);
        pool.Run(inner);   // the pool is usable afterwards
        Assert.Equal([1, 1], inner.Runs);
    }

    private sealed class NestedJob(ForkJoinPool pool, IPartJob inner) : IPartJob
    {
        public void Run(int part)
        {
            if (part == 0) pool.Run(inner);
        }
    }

    [Fact]
    public void RunAfterDisposeThrows()
    {
        var pool = new ForkJoinPool(2);
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Run(new CountingJob(2)));
    }

    [Fact]
    public void FewerThanOnePartIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ForkJoinPool(0));
}
