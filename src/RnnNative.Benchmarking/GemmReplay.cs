using System.Diagnostics;
using RnnNative.Blas;

namespace RnnNative.Benchmarking;

/// <summary>One operand of a captured GEMM: where its storage began (an identity, never dereferenced) and its length.</summary>
internal readonly record struct GemmOperand(nint Address, int Length)
{
    public static GemmOperand Of(ReadOnlySpan<float> span) => new(MemoryAddress.Of(span), span.Length);

    /// <summary>A bfloat16 operand, its length counted in floats (rounded up) so that byte ranges compare.</summary>
    public static GemmOperand Of(ReadOnlySpan<ushort> span) =>
        new(MemoryAddress.Of(System.Runtime.InteropServices.MemoryMarshal.Cast<ushort, float>(span)), (span.Length + 1) / 2);
}

/// <summary>One GEMM call as a training step made it: the backend and thread that made it, and its arguments.</summary>
internal readonly record struct GemmCall(BlasBackend Backend, int ThreadId, bool TransA, bool TransB, int M, int N, int K,
    float Alpha, GemmOperand A, int Lda, GemmOperand B, int Ldb, float Beta, GemmOperand C, int Ldc, bool Bf16 = false);

/// <summary>
/// The step's GEMMs with nothing else: replays the calls captured from one training step, each thread's calls in
/// their order on the backend that made them and the threads at once, and times the whole.
/// </summary>
/// <remarks>
/// This is the ceiling of a design whose GEMMs go to this library: the step's GEMM calls run back to back with no
/// elementwise work, no optimizer and no waiting (the threads do not wait for each other between calls here, as
/// the step's stages must). It holds to within a few percent, not strictly: inside the step a row pass has just
/// written part of the next GEMM's left operand, which here comes from memory as the rest does (so the GEMM time
/// inside the step is a little below the replay's). The operands lie
/// in scratch buffers laid out as the step's were: operands whose storage overlapped share one buffer at the same
/// offsets and the same alignment to 64 bytes, so a weight matrix read at every time step is one matrix here too,
/// the time steps' slices of one workspace are slices of one buffer, and the footprint is the step's. Each thread times
/// its own calls and a replay takes the longest of them, so waking the threads is not counted against the
/// ceiling. The replay threads live as long as this object: dispose it.
/// </remarks>
internal sealed class GemmReplay : IDisposable
{
    private readonly ReplayCall[][] _byThread;
    private readonly double[] _seconds;
    private readonly Barrier _start, _end;
    private readonly Thread[] _helpers;
    private volatile bool _stopping;

    public GemmReplay(IReadOnlyList<GemmCall> calls, int firstThreadId)
    {
        ArgumentNullException.ThrowIfNull(calls);
        if (calls.Count == 0) throw new ArgumentException("No GEMM calls to replay.", nameof(calls));
        var scratch = ReplayScratch.For(calls);
        // The thread that ran the graph first: it replays on the calling thread.
        _byThread = calls.GroupBy(c => c.ThreadId).OrderBy(g => g.Key == firstThreadId ? 0 : 1)
            .Select(g => g.Select(c => new ReplayCall(c, scratch)).ToArray()).ToArray();
        _seconds = new double[Threads];
        _start = new Barrier(Threads);
        _end = new Barrier(Threads);
        _helpers = new Thread[Threads - 1];
        for (int i = 0; i < _helpers.Length; i++)
        {
            int index = i + 1;
            _helpers[i] = new Thread(() => HelperLoop(index)) { IsBackground = true, Name = "gemm replay" };
            _helpers[i].Start();
        }
    }

    /// <summary>Threads the replay runs on: one per thread that made GEMM calls in the captured step.</summary>
    public int Threads => _byThread.Length;

    /// <summary>One replay of the step's GEMMs: the seconds of the slowest thread. Allocates nothing.</summary>
    public double RunOnce()
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        _start.SignalAndWait();
        _seconds[0] = Timed(_byThread[0]);
        _end.SignalAndWait();
        double slowest = 0;
        foreach (double s in _seconds) slowest = Math.Max(slowest, s);
        return slowest;
    }

    /// <summary>Seconds of each of <paramref name="repeats"/> replays, after two untimed ones.</summary>
    public double[] Measure(int repeats)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repeats);
        RunOnce();
        RunOnce();
        var seconds = new double[repeats];
        for (int r = 0; r < repeats; r++) seconds[r] = RunOnce();
        return seconds;
    }

    /// <summary>Stops the replay threads.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _start.SignalAndWait();
        foreach (var helper in _helpers) helper.Join();
        _start.Dispose();
        _end.Dispose();
    }

    private void HelperLoop(int index)
    {
        while (true)
        {
            _start.SignalAndWait();
            if (_stopping) return;
            _seconds[index] = Timed(_byThread[index]);
            _end.SignalAndWait();
        }
    }

    private static double Timed(ReplayCall[] calls)
    {
        long begin = Stopwatch.GetTimestamp();
        foreach (var call in calls) call.Run();
        return Stopwatch.GetElapsedTime(begin).TotalSeconds;
    }
}

/// <summary>A captured call bound to its scratch operands.</summary>
internal sealed class ReplayCall(GemmCall call, IReadOnlyDictionary<GemmOperand, ArraySegment<float>> scratch)
{
    private readonly ArraySegment<float> _a = scratch[call.A], _b = scratch[call.B], _c = scratch[call.C];
    // bfloat16 calls: A and B as bfloat16 copies of their scratch (twice as many elements as the floats they span)
    private readonly ushort[]? _a16 = call.Bf16 ? Bits(scratch[call.A]) : null, _b16 = call.Bf16 ? Bits(scratch[call.B]) : null;

    public void Run()
    {
        if (_a16 != null)
            call.Backend.GemmBf16(call.TransA, call.TransB, call.M, call.N, call.K, call.Alpha, _a16, call.Lda,
                _b16, call.Ldb, call.Beta, _c, call.Ldc);
        else
            call.Backend.Sgemm(call.TransA, call.TransB, call.M, call.N, call.K, call.Alpha, _a, call.Lda,
                _b, call.Ldb, call.Beta, _c, call.Ldc);
    }

    private static ushort[] Bits(ArraySegment<float> values)
    {
        var bits = new ushort[2 * values.Count];
        BFloat16.FromFloats(values, bits.AsSpan(0, values.Count));
        BFloat16.FromFloats(values, bits.AsSpan(values.Count));
        return bits;
    }
}

/// <summary>Scratch storage laid out like the captured operands' storage.</summary>
internal static class ReplayScratch
{
    private const int AlignFloats = 16;     // 64 bytes

    /// <summary>
    /// For each operand, a segment of a scratch buffer: operands whose byte ranges overlap (or touch) share one
    /// buffer at the same distances apart, and every segment has its operand's address modulo 64 bytes. Values in
    /// [-0.5, 0.5), so no accumulation over the replays comes near overflow or denormals.
    /// </summary>
    public static Dictionary<GemmOperand, ArraySegment<float>> For(IReadOnlyList<GemmCall> calls)
    {
        var operands = calls.SelectMany(c => new[] { c.A, c.B, c.C }).Distinct().OrderBy(o => o.Address).ToArray();
        var result = new Dictionary<GemmOperand, ArraySegment<float>>();
        var random = new Random(11);
        for (int first = 0; first < operands.Length;)
        {
            nint start = operands[first].Address, end = End(operands[first]);
            int last = first + 1;
            for (; last < operands.Length && operands[last].Address <= end; last++)
                end = Math.Max(end, End(operands[last]));
            int lead = (int)(start % (AlignFloats * sizeof(float))) / sizeof(float);
            var buffer = GC.AllocateUninitializedArray<float>(checked((int)((end - start) / sizeof(float))) + 2 * AlignFloats,
                pinned: true);
            for (int i = 0; i < buffer.Length; i++) buffer[i] = (float)random.NextDouble() - 0.5f;
            int baseOffset = MemoryAddress.AlignedIndex(buffer, lead);
            for (int i = first; i < last; i++)
            {
                var o = operands[i];
                result[o] = new ArraySegment<float>(buffer, baseOffset + (int)((o.Address - start) / sizeof(float)), o.Length);
            }
            first = last;
        }
        return result;
    }

    private static nint End(GemmOperand o) => o.Address + (nint)o.Length * sizeof(float);
}
