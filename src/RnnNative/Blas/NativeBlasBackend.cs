using RnnNative.Blas.Native;

namespace RnnNative.Blas;

/// <summary>A backend that forwards to a native <c>cblas_sgemm</c>; spans are pinned with <c>fixed</c>, never copied.</summary>
internal abstract unsafe class NativeBlasBackend : BlasBackend
{
    private const int CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112;
    private int _threads;

    protected NativeBlasBackend(LoadedLibrary library, int threads)
    {
        Library = library;
        Threads = threads;
    }

    private protected LoadedLibrary Library { get; }

    public override string LibraryPath => Library.Path;

    public override int Threads
    {
        get => _threads;
        set => _threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Threads), value, "Threads must be at least 1.");
    }

    /// <summary>The library's <c>cblas_sgemm</c>.</summary>
    private protected abstract delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> CblasSgemm { get; }

    /// <summary>Makes the library use <see cref="Threads"/> for the next call on this .NET thread.</summary>
    private protected abstract void ApplyThreads();

    protected override void SgemmCore(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        ApplyThreads();
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            CblasSgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }
}
