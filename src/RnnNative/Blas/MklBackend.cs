using RnnNative.Blas.Native;

namespace RnnNative.Blas;

/// <summary>GEMM through Intel MKL 2020 (<c>libmkl_rt.so</c>, GNU OpenMP threading layer).</summary>
/// <remarks>
/// Threads are applied with <c>MKL_Set_Num_Threads_Local</c> before each call, so the count is per .NET thread:
/// two .NET threads can each run a single-threaded GEMM side by side.
/// </remarks>
internal sealed unsafe partial class MklBackend : NativeBlasBackend
{
    [ThreadStatic] private static int _localThreads;

    public MklBackend(IEnumerable<string> directories, int threads, MklInstructions? instructions)
        : this(MklNative.Load(directories, instructions), threads) { }

    private MklBackend(LoadedLibrary library, int threads) : base(library, threads)
    {
        float one = 1, zero = 0; // one 1x1 GEMM maps MKL's kernel library, so Kernel can name it
        Sgemm(false, false, 1, 1, 1, 1f, new ReadOnlySpan<float>(&one, 1), 1, new ReadOnlySpan<float>(&one, 1), 1,
            0f, new Span<float>(&zero, 1), 1);
    }

    public override BlasKind Kind => BlasKind.Mkl;
    public override string Version => MklNative.VersionString();

    public override string Kernel =>
        $"{MklNative.KernelLibrary()}, dispatch branch {MklNative.AutoBranch()}, " +
        $"instructions {MklNative.Instructions.ToString().ToUpperInvariant()} " +
        $"({(MklNative.CpuShim ? "CPU shim loaded" : "no CPU shim")}), CNR branch {MklNative.CnrBranch()}, GNU OpenMP threading";

    /// <summary>What MKL itself reports for this .NET thread (<c>MKL_Get_Max_Threads</c>).</summary>
    public override int LibraryThreads => MklNative.MKL_Get_Max_Threads();

    private protected override delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> CblasSgemm
        => MklNative.cblas_sgemm;

    internal override BlasBackend CreateSingleThreaded() => new MklBackend(Library, 1);

    private protected override void ApplyThreads()
    {
        if (_localThreads == Threads) return;
        MklNative.MKL_Set_Num_Threads_Local(Threads);
        _localThreads = Threads;
    }
}
