using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace RnnNative;

/// <summary>A job cut into parts: part 0 runs on the calling thread, the others on helper threads.</summary>
internal interface IPartJob
{
    void Run(int part);
}

/// <summary>
/// The engine's one fork-join pool: persistent helper threads that run parts 1..P−1 of a job while the caller
/// runs part 0, then wait for each other; a fork and a join per <see cref="Run"/>, with nothing allocated.
/// With one part there are no helper threads and <see cref="Run"/> runs the job on the caller.
/// </summary>
/// <remarks>
/// Jobs last 50 µs to a few ms (a slice of the fused RNN's time loop, a slab of a managed GEMM) and a training
/// step posts many, with short serial gaps between them. Waking a blocked thread costs 5–50 µs on Linux, so a
/// helper spins on its "posted" counter for <see cref="SpinTime"/> after each job before it blocks on a
/// semaphore; the caller spins (yielding) for the join. On a machine with fewer free cores than threads the
/// spinning thread gives up its time slice (<see cref="SpinWait"/> yields), so it does not starve the thread it
/// waits for.
/// <para>Failures: every part runs to its end, failed or not, before <see cref="Run"/> returns; then the first
/// failure (the caller's part 0, else the lowest helper part) is rethrown with its original stack trace
/// (<see cref="ExceptionDispatchInfo"/>) and the others are dropped. The threads survive a failure.</para>
/// <para>One <see cref="Run"/> at a time: a second caller while one runs gets an <see cref="InvalidOperationException"/>.</para>
/// </remarks>
internal sealed class ForkJoinPool : IDisposable
{
    private static readonly long SpinTime = Stopwatch.Frequency / 1000;   // 1 ms

    private readonly Helper[] _helpers;
    private IPartJob? _job;
    private int _running;
    private long _waitTicks;
    private volatile bool _disposed;

    /// <summary>Starts <paramref name="parts"/> − 1 helper threads, named "<paramref name="name"/> part p".</summary>
    public ForkJoinPool(int parts, string name = "RnnNative")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        _helpers = new Helper[parts - 1];
        for (int h = 0; h < _helpers.Length; h++)
        {
            var helper = _helpers[h] = new Helper();
            int part = h + 1;
            helper.Thread = new Thread(() => Loop(helper, part)) { IsBackground = true, Name = $"{name} part {part}" };
            helper.Thread.Start();
        }
    }

    /// <summary>Parts of a job: the caller and the helpers.</summary>
    public int Parts => _helpers.Length + 1;

    /// <summary>Stopwatch ticks the caller has spent waiting for helpers to finish their parts, in all.</summary>
    public long WaitTicks => Volatile.Read(ref _waitTicks);

    /// <summary>Managed bytes the helper threads have allocated, in all, as of their last finished part.</summary>
    public long HelperAllocatedBytes
    {
        get
        {
            long sum = 0;
            foreach (var helper in _helpers) sum += Volatile.Read(ref helper.AllocatedBytes);
            return sum;
        }
    }

    /// <summary>Runs <c>job.Run(p)</c> for every part p (0 on this thread) and returns when all are done.</summary>
    /// <remarks>Rethrows the first failure (this thread's, else the lowest failed helper part's) after every part
    /// has finished.</remarks>
    public void Run(IPartJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _running, 1) != 0)
            throw new InvalidOperationException("ForkJoinPool.Run was called while another Run of the same pool was running.");
        try
        {
            RunParts(job);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private void RunParts(IPartJob job)
    {
        if (_helpers.Length == 0)
        {
            job.Run(0);
            return;
        }
        _job = job;
        foreach (var helper in _helpers) helper.Post();
        Exception? failure = null;
        try { job.Run(0); }
        catch (Exception e) { failure = e; }
        Join();
        _job = null;
        foreach (var helper in _helpers)
        {
            failure ??= helper.Failure;
            helper.Failure = null;
        }
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
    }

    private void Join()
    {
        long start = Stopwatch.GetTimestamp();
        foreach (var helper in _helpers)
        {
            var spinner = new SpinWait();
            while (!helper.IsDone) spinner.SpinOnce(sleep1Threshold: -1);
        }
        _waitTicks += Stopwatch.GetTimestamp() - start;
    }

    private void Loop(Helper helper, int part)
    {
        long seen = 0;
        while (true)
        {
            seen = helper.AwaitPost(seen, SpinTime);
            if (_disposed) return;
            try { _job!.Run(part); }
            catch (Exception e) { helper.Failure = e; }
            finally
            {
                Volatile.Write(ref helper.AllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
                helper.MarkDone(seen);
            }
        }
    }

    /// <summary>Stops the helpers (they finish a running part first).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var helper in _helpers) helper.Post();
    }

    /// <summary>One helper's hand-off state: job counters and the semaphore it blocks on once spinning ends.</summary>
    private sealed class Helper
    {
        private long _posted, _done;
        private int _sleeping;
        private readonly SemaphoreSlim _wake = new(0);

        public Thread? Thread;
        public Exception? Failure;
        public long AllocatedBytes;

        public bool IsDone => Volatile.Read(ref _done) == Volatile.Read(ref _posted);

        public void Post()
        {
            Interlocked.Increment(ref _posted);            // a full fence: the job is visible first
            if (Interlocked.Exchange(ref _sleeping, 0) == 1) _wake.Release();
        }

        public void MarkDone(long job) => Volatile.Write(ref _done, job);

        // Spins until a job after `seen` is posted, for up to `spin` ticks, then blocks; returns the job's number.
        public long AwaitPost(long seen, long spin)
        {
            long start = Stopwatch.GetTimestamp();
            while (true)
            {
                long posted = Volatile.Read(ref _posted);
                if (posted != seen) return posted;
                if (Stopwatch.GetTimestamp() - start < spin)
                {
                    Thread.SpinWait(30);
                    continue;
                }
                Interlocked.Exchange(ref _sleeping, 1);        // then re-check: a post in between is not lost
                if (Volatile.Read(ref _posted) == seen) _wake.Wait();
                Interlocked.Exchange(ref _sleeping, 0);
                start = Stopwatch.GetTimestamp();
            }
        }
    }
}
