using System.Diagnostics;
using RnnNative.Blas;

namespace RnnNative.Benchmarking;

/// <summary>
/// A <see cref="BlasBackend"/> that forwards every GEMM to another backend and counts what went through it:
/// calls and floating-point operations (2·m·n·k per call, from every thread) and the time spent in GEMM on
/// one chosen thread (the thread whose step time is being broken down).
/// </summary>
/// <remarks>
/// Counting is off until <see cref="GemmCounters.Recording"/> is set, so a timed loop pays one branch per
/// call. The single-threaded sibling the engine asks for when it splits a batch across threads is another
/// <see cref="CountingBlas"/> over the inner backend's sibling, sharing the same <see cref="Counters"/>.
/// </remarks>
public sealed class CountingBlas : BlasBackend
{
    private readonly BlasBackend _inner;
    private readonly bool _ownsInner;

    /// <summary>Wraps <paramref name="inner"/>; disposing this disposes it when <paramref name="ownsInner"/>.</summary>
    public CountingBlas(BlasBackend inner, bool ownsInner = true) : this(inner, ownsInner, new GemmCounters()) { }

    private CountingBlas(BlasBackend inner, bool ownsInner, GemmCounters counters)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _ownsInner = ownsInner;
        Counters = counters;
    }

    /// <summary>What has been counted (shared with the single-threaded sibling).</summary>
    public GemmCounters Counters { get; }

    /// <summary>The backend every call goes to.</summary>
    public BlasBackend Inner => _inner;

    /// <inheritdoc />
    public override BlasKind Kind => _inner.Kind;
    /// <inheritdoc />
    public override string LibraryPath => _inner.LibraryPath;
    /// <inheritdoc />
    public override string Version => _inner.Version;
    /// <inheritdoc />
    public override string Kernel => _inner.Kernel;
    /// <inheritdoc />
    public override int LibraryThreads => _inner.LibraryThreads;

    /// <inheritdoc />
    public override int Threads
    {
        get => _inner.Threads;
        set => _inner.Threads = value;
    }

    /// <inheritdoc />
    protected override void SgemmCore(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc) =>
        PaddedSgemmCore(transA, transB, m, n, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    // The FLOPs counted are the wanted columns' (the model's); the shape names both widths.
    private protected override void PaddedSgemmCore(bool transA, bool transB, int m, int n, int usedColumns, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (!Counters.Recording)
        {
            _inner.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        long start = Stopwatch.GetTimestamp();
        _inner.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        long ticks = Stopwatch.GetTimestamp() - start;
        Record(ticks, new GemmCall(_inner, Environment.CurrentManagedThreadId, transA, transB, m, n, k, alpha,
            GemmOperand.Of(a), lda, GemmOperand.Of(b), ldb, beta, GemmOperand.Of(c), ldc), usedColumns);
    }

    /// <inheritdoc />
    public override bool SupportsBf16Gemm(out string reason) => _inner.SupportsBf16Gemm(out reason);

    /// <inheritdoc />
    public override string Bf16Kernel => _inner.Bf16Kernel;

    /// <inheritdoc />
    protected override void GemmBf16Core(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<ushort> a, int lda, ReadOnlySpan<ushort> b, int ldb, float beta, Span<float> c, int ldc) =>
        PaddedGemmBf16Core(transA, transB, m, n, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    private protected override void PaddedGemmBf16Core(bool transA, bool transB, int m, int n, int usedColumns, int k,
        float alpha, ReadOnlySpan<ushort> a, int lda, ReadOnlySpan<ushort> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (!Counters.Recording)
        {
            _inner.GemmBf16(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        long start = Stopwatch.GetTimestamp();
        _inner.GemmBf16(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        long ticks = Stopwatch.GetTimestamp() - start;
        Record(ticks, new GemmCall(_inner, Environment.CurrentManagedThreadId, transA, transB, m, n, k, alpha,
            GemmOperand.Of(a), lda, GemmOperand.Of(b), ldb, beta, GemmOperand.Of(c), ldc, Bf16: true), usedColumns);
    }

    // A recorded call: its ticks under its shape (the wanted columns of the computed ones), and the call itself when capturing.
    private void Record(long ticks, GemmCall call, int usedColumns)
    {
        int computed = usedColumns < call.N ? call.N : 0;
        Counters.Add(new GemmShape(call.TransA, call.TransB, call.M, usedColumns, call.K, computed), ticks);
        if (Counters.Capturing) Counters.Capture(call);
    }

    internal override BlasBackend? CreateSingleThreaded() =>
        _inner.CreateSingleThreaded() is { } serial ? new CountingBlas(serial, ownsInner: true, Counters) : null;

    /// <inheritdoc />
    public override void Dispose()
    {
        if (_ownsInner) _inner.Dispose();
        base.Dispose();
    }
}
