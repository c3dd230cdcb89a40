using System.Runtime.InteropServices;

namespace RnnNative.Blas.Native;

/// <summary>
/// OpenBLAS entry points, resolved once per process from <c>libopenblas.so.0</c> (see <see cref="NativeSearchPath"/>).
/// Field names are the C names verbatim.
/// </summary>
internal static unsafe partial class OpenBlasNative
{
    public static readonly NativeLibrarySpec Spec = new(
        DisplayName: "OpenBLAS", FileName: "libopenblas.so.0", ProbeSymbol: "cblas_sgemm",
        Preload: ["libquadmath.so.0", "libgfortran.so.5"], GlobalPreload: [], Required: [],
        SystemName: "libopenblas.so.0");

    // void cblas_sgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)
    public static delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> cblas_sgemm;
    public static delegate* unmanaged<int, void> openblas_set_num_threads;
    public static delegate* unmanaged<int> openblas_get_num_threads;
    public static delegate* unmanaged<byte*> openblas_get_config;
    public static delegate* unmanaged<byte*> openblas_get_corename;

    private static readonly Lock Gate = new();
    private static LoadedLibrary? _library;

    /// <summary>Loads OpenBLAS (once per process) and resolves the entry points.</summary>
    public static LoadedLibrary Load(IEnumerable<string> directories)
    {
        lock (Gate)
        {
            if (_library != null) return _library;
            var lib = NativeLoader.Load(Spec, directories);
            cblas_sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)lib.Export(nameof(cblas_sgemm));
            openblas_set_num_threads = (delegate* unmanaged<int, void>)lib.Export(nameof(openblas_set_num_threads));
            openblas_get_num_threads = (delegate* unmanaged<int>)lib.Export(nameof(openblas_get_num_threads));
            openblas_get_config = (delegate* unmanaged<byte*>)lib.Export(nameof(openblas_get_config));
            openblas_get_corename = (delegate* unmanaged<byte*>)lib.Export(nameof(openblas_get_corename));
            return _library = lib;
        }
    }

    /// <summary>e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64".</summary>
    public static string Config() => Marshal.PtrToStringUTF8((nint)openblas_get_config())?.Trim() ?? "";

    /// <summary>The CPU kernel set OpenBLAS picked at load time, e.g. "Zen" or "Haswell".</summary>
    public static string CoreName() => Marshal.PtrToStringUTF8((nint)openblas_get_corename())?.Trim() ?? "";
}
