using RnnNative.Distributed;

namespace RnnNative.Tests.Distributed;

/// <summary>
/// N ranks as N threads of one process, for in-process tests of collectives: every rank's call deposits its buffer,
/// waits for the others, and reads the result computed from all of them in rank order. Counts each rank's
/// collectives and the lengths it reduced.
/// </summary>
internal sealed class ThreadRanks
{
    private readonly Barrier _barrier;
    private readonly float[][] _floats;
    private readonly double[][] _doubles;

    public ThreadRanks(int size)
    {
        _barrier = new Barrier(size);
        _floats = new float[size][];
        _doubles = new double[size][];
        Ranks = Enumerable.Range(0, size).Select(r => new Member(this, r)).ToArray();
    }

    /// <summary>One communicator per rank; rank r must be used from one thread only.</summary>
    public Member[] Ranks { get; }

    /// <summary>Runs <paramref name="body"/> for every rank on its own thread and returns their results in rank order.</summary>
    public T[] Run<T>(Func<Member, T> body)
    {
        var tasks = Ranks.Select(r => Task.Factory.StartNew(() => body(r), TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(tasks, TimeSpan.FromSeconds(60));
        return tasks.Select(t => t.Result).ToArray();
    }

    public sealed class Member(ThreadRanks ranks, int rank) : ICommunicator
    {
        /// <summary>The lengths of the float all-reduces this rank made, in order.</summary>
        public List<int> FloatReductions { get; } = [];

        public int DoubleReductions { get; private set; }

        public int Rank => rank;
        public int Size => ranks.Ranks.Length;
        public bool IsRoot => rank == 0;

        public void AllReduceSum(Span<float> data) => ranks.Reduce(rank, data, FloatReductions, mean: false);
        public void AllReduceMean(Span<float> data) => ranks.Reduce(rank, data, FloatReductions, mean: true);

        public void AllReduceSum(Span<double> data)
        {
            DoubleReductions++;
            ranks._doubles[rank] = data.ToArray();
            ranks._barrier.SignalAndWait();
            for (int i = 0; i < data.Length; i++) data[i] = ranks._doubles.Sum(d => d[i]);
            ranks._barrier.SignalAndWait();
        }

        public void Broadcast(Span<float> data, int root = 0)
        {
            ranks._floats[rank] = data.ToArray();
            ranks._barrier.SignalAndWait();
            ranks._floats[root].CopyTo(data);
            ranks._barrier.SignalAndWait();
        }

        public void Barrier() => ranks._barrier.SignalAndWait();
        public void Abort(int code) => throw new InvalidOperationException($"abort {code}");
    }

    // data[i] ← Σ_r data_r[i] (× 1/N for the mean), summed in rank order on every rank.
    private void Reduce(int rank, Span<float> data, List<int> log, bool mean)
    {
        log.Add(data.Length);
        _floats[rank] = data.ToArray();
        _barrier.SignalAndWait();
        for (int i = 0; i < data.Length; i++)
        {
            float sum = 0;
            foreach (var values in _floats) sum += values[i];
            data[i] = mean ? sum * (1f / _floats.Length) : sum;
        }
        _barrier.SignalAndWait();
    }
}
