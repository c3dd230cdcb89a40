using RnnNative.Blas.Native;

namespace RnnNative.Blas;

/// <summary>GEMM through OpenBLAS (<c>libopenblas.so.0</c>, pthreads build).</summary>
/// <remarks>
/// OpenBLAS's thread count is process-wide; each call sets it when it differs from the last value set, so two
/// instances with different <see cref="BlasBackend.Threads"/> each get theirs (calls racing from two .NET
/// threads with different counts may see either).
/// </remarks>
internal sealed unsafe class OpenBlasBackend : NativeBlasBackend
{
    private static int _appliedThreads = -1;

    public OpenBlasBackend(IEnumerable<string> directories, int threads)
        : this(OpenBlasNative.Load(directories), threads) { }

    private OpenBlasBackend(LoadedLibrary library, int threads) : base(library, threads) { }

    public override BlasKind Kind => BlasKind.OpenBlas;
    public override string Version => OpenBlasNative.Config();
    public override string Kernel => $"OpenBLAS core {OpenBlasNative.CoreName()}";

    /// <summary>OpenBLAS's own count (<c>openblas_get_num_threads</c>).</summary>
    public override int LibraryThreads => OpenBlasNative.openblas_get_num_threads();

    private protected override delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> CblasSgemm
        => OpenBlasNative.cblas_sgemm;

    internal override BlasBackend CreateSingleThreaded() => new OpenBlasBackend(Library, 1);

    private protected override void ApplyThreads()
    {
        if (Volatile.Read(ref _appliedThreads) == Threads) return;
        OpenBlasNative.openblas_set_num_threads(Threads);
        Volatile.Write(ref _appliedThreads, Threads);
    }
}
