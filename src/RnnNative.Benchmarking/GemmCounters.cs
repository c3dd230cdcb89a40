using System.Diagnostics;

namespace RnnNative.Benchmarking;

/// <summary>Counts of the GEMMs that went through a <see cref="CountingBlas"/> while recording.</summary>
public sealed class GemmCounters
{
    private long _calls, _flops, _ticks;
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
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Floating-point operations counted: Σ 2·m·n·k.</summary>
    public long Flops => Interlocked.Read(ref _flops);

    /// <summary><see cref="Stopwatch"/> ticks spent in GEMM calls made on <see cref="TimedThreadId"/>.</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Zeroes the counts and makes the calling thread the timed one.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _calls, 0);
        Interlocked.Exchange(ref _flops, 0);
        Interlocked.Exchange(ref _ticks, 0);
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
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _flops, shape.Flops);
        if (Environment.CurrentManagedThreadId != TimedThreadId) return;
        Interlocked.Add(ref _ticks, ticks);
        // Only the timed thread writes the table; a shape's first call allocates its entry, later ones nothing.
        if (!_byShape.TryGetValue(shape, out var totals)) _byShape[shape] = totals = new GemmShapeTotals();
        totals.Calls++;
        totals.Ticks += ticks;
    }
}

/// <summary>The shape of a GEMM call: op(A) is (M × K), op(B) is (K × N).</summary>
public readonly record struct GemmShape(bool TransA, bool TransB, int M, int N, int K)
{
    /// <summary>2·M·N·K.</summary>
    public long Flops => 2L * M * N * K;

    /// <summary>E.g. "NT 150x150x150": the transposes of A and B, then M×N×K.</summary>
    public override string ToString() => $"{(TransA ? 'T' : 'N')}{(TransB ? 'T' : 'N')} {M}x{N}x{K}";
}

/// <summary>Calls and <see cref="Stopwatch"/> ticks of one GEMM shape on the timed thread.</summary>
public sealed class GemmShapeTotals
{
    /// <summary>Calls.</summary>
    public long Calls { get; internal set; }
    /// <summary>Ticks spent in them.</summary>
    public long Ticks { get; internal set; }
}
