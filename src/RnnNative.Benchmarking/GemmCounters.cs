using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RnnNative.Benchmarking;

/// <summary>Counts of the GEMMs that went through a <see cref="CountingBlas"/> while recording.</summary>
public sealed class GemmCounters
{
    // The timed thread and the other threads (the batch split's helpers) count on separate cache lines: shared
    // counters would bounce one line between the cores on every GEMM of both, and the profile would count that
    // as the RNN's elementwise time.
    private readonly Tally _timed = new(), _others = new();
    private List<GemmCall>? _captured;
    private readonly Dictionary<GemmShape, GemmShapeTotals> _byShape = [];

    /// <summary>Whether calls are counted.</summary>
    public bool Recording { get; set; }

    /// <summary>Whether recorded calls are also kept, with their arguments, for <see cref="GemmReplay"/>.</summary>
    internal bool Capturing => _captured is not null;

    /// <summary>
    /// The thread whose GEMM time <see cref="Ticks"/> sums (calls and FLOPs are counted from every thread);
    /// the thread that last called <see cref="Reset"/>.
    /// </summary>
    public int TimedThreadId { get; private set; } = Environment.CurrentManagedThreadId;

    /// <summary>GEMM calls counted.</summary>
    public long Calls => Interlocked.Read(ref _timed.Calls) + Interlocked.Read(ref _others.Calls);

    /// <summary>Floating-point operations counted: Σ 2·m·n·k.</summary>
    public long Flops => Interlocked.Read(ref _timed.Flops) + Interlocked.Read(ref _others.Flops);

    /// <summary><see cref="Stopwatch"/> ticks spent in GEMM calls made on <see cref="TimedThreadId"/>.</summary>
    public long Ticks => Interlocked.Read(ref _timed.Ticks);

    /// <summary>Zeroes the counts and makes the calling thread the timed one.</summary>
    public void Reset()
    {
        _timed.Clear();
        _others.Clear();
        _byShape.Clear();
        TimedThreadId = Environment.CurrentManagedThreadId;
    }

    /// <summary>Starts keeping every recorded call (this allocates: not for timed steps).</summary>
    internal void StartCapture() => _captured = [];

    /// <summary>Stops keeping calls and returns those kept, in the order they were made.</summary>
    internal IReadOnlyList<GemmCall> StopCapture()
    {
        var captured = _captured ?? [];
        _captured = null;
        return captured;
    }

    internal void Capture(GemmCall call)
    {
        var captured = _captured;
        if (captured is null) return;
        lock (captured) captured.Add(call);
    }

    /// <summary>The timed thread's GEMMs by shape since the last <see cref="Reset"/>: calls, ticks, FLOPs.</summary>
    public IReadOnlyDictionary<GemmShape, GemmShapeTotals> ByShape => _byShape;

    internal void Add(GemmShape shape, long ticks)
    {
        bool timed = Environment.CurrentManagedThreadId == TimedThreadId;
        var tally = timed ? _timed : _others;
        Interlocked.Increment(ref tally.Calls);
        Interlocked.Add(ref tally.Flops, shape.Flops);
        if (!timed) return;
        Interlocked.Add(ref tally.Ticks, ticks);
        // Only the timed thread writes the table; a shape's first call allocates its entry, later ones nothing.
        if (!_byShape.TryGetValue(shape, out var totals)) _byShape[shape] = totals = new GemmShapeTotals();
        totals.Calls++;
        totals.Ticks += ticks;
    }
}

/// <summary>Calls, FLOPs and ticks of one side, alone on its cache lines (64 bytes of padding either side).</summary>
[StructLayout(LayoutKind.Explicit, Size = 160)]
internal sealed class Tally
{
    [FieldOffset(64)] public long Calls;
    [FieldOffset(72)] public long Flops;
    [FieldOffset(80)] public long Ticks;

    public void Clear()
    {
        Interlocked.Exchange(ref Calls, 0);
        Interlocked.Exchange(ref Flops, 0);
        Interlocked.Exchange(ref Ticks, 0);
    }
}

/// <summary>The shape of a GEMM call: op(A) is (M × K), op(B) is (K × N); <paramref name="ComputedN"/> &gt; N when the
/// call computed N columns padded to that many (the extra ones scratch).</summary>
public readonly record struct GemmShape(bool TransA, bool TransB, int M, int N, int K, int ComputedN = 0)
{
    /// <summary>2·M·N·K: the wanted columns' FLOPs.</summary>
    public long Flops => 2L * M * N * K;

    /// <summary>E.g. "NT 150x150x150": the transposes of A and B, then M×N×K; a padded N as "150(160)".</summary>
    public override string ToString() =>
        $"{(TransA ? 'T' : 'N')}{(TransB ? 'T' : 'N')} {M}x{N}{(ComputedN > N ? $"({ComputedN})" : "")}x{K}";
}

/// <summary>Calls and <see cref="Stopwatch"/> ticks of one GEMM shape on the timed thread.</summary>
public sealed class GemmShapeTotals
{
    /// <summary>Calls.</summary>
    public long Calls { get; internal set; }
    /// <summary>Ticks spent in them.</summary>
    public long Ticks { get; internal set; }
}
