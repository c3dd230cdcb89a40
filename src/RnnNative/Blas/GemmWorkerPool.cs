namespace RnnNative.Blas;

/// <summary>
/// A fixed set of background threads that each run one part of a job; the caller runs part 0.
/// Reused call after call, so a multi-threaded GEMM allocates nothing (unlike <c>Parallel.For</c>).
/// </summary>
internal sealed class GemmWorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private readonly CountdownEvent _done;
    private readonly Lock _gate = new();
    private Action<int>? _job;
    private Exception? _failure;
    private volatile bool _disposed;

    /// <summary>Starts <paramref name="workers"/> background threads (parts 1..workers).</summary>
    public GemmWorkerPool(int workers)
    {
        _threads = new Thread[workers];
        _start = new SemaphoreSlim[workers];
        _done = new CountdownEvent(workers);
        for (int w = 0; w < workers; w++)
        {
            _start[w] = new SemaphoreSlim(0);
            int part = w + 1;
            _threads[w] = new Thread(() => WorkerLoop(part)) { IsBackground = true, Name = $"RnnNative GEMM {part}" };
            _threads[w].Start();
        }
    }

    /// <summary>Number of parts a job is split into (workers + the caller).</summary>
    public int Parts => _threads.Length + 1;

    /// <summary>Runs <paramref name="job"/>(part) for every part in 0..Parts-1 and waits for all of them.</summary>
    public void Run(Action<int> job)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _job = job;
            _failure = null;
            _done.Reset(_threads.Length);
            foreach (var start in _start) start.Release();
            try { job(0); }
            finally { _done.Wait(); _job = null; }
            if (_failure != null) throw new AggregateException("A GEMM worker thread failed.", _failure);
        }
    }

    private void WorkerLoop(int part)
    {
        while (true)
        {
            _start[part - 1].Wait();
            if (_disposed) return;
            try { _job!(part); }
            catch (Exception e) { _failure = e; }
            finally { _done.Signal(); }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var start in _start) start.Release();
        }
    }
}
