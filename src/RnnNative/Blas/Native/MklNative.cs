using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace RnnNative.Blas.Native;

/// <summary>
/// Intel MKL entry points, resolved once per process from <c>libmkl_rt.so</c>. Field names are the C names verbatim.
/// </summary>
/// <remarks>
/// MKL 2020's single dynamic library dlopens <c>libmkl_core.so</c>, the interface, threading and per-CPU kernel
/// libraries from its own folder on the first call, and calls <c>exit(2)</c> if one is missing. So the loader checks
/// that they are all there, loads <c>libgomp.so.1</c> globally (the GNU threading layer resolves <c>omp_*</c>
/// through the global scope), selects the GNU threading layer and caps the instruction set at AVX2 (the
/// kernels shipped are <c>def</c> and <c>avx2</c>) before anything else runs.
/// </remarks>
internal static unsafe partial class MklNative
{
    public const string CpuShimFile = "libmkl_cpu_shim.so";
    private const int MKL_THREADING_GNU = 3;
    private const int MKL_ENABLE_AVX2 = 2;

    private static readonly string[] BaseRequired =
        ["libmkl_core.so", "libmkl_intel_lp64.so", "libmkl_gnu_thread.so", "libmkl_def.so", "libmkl_vml_def.so"];

    // void cblas_sgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)
    public static delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> cblas_sgemm;
    public static delegate* unmanaged<int, void> MKL_Set_Num_Threads;
    public static delegate* unmanaged<int> MKL_Get_Max_Threads;
    public static delegate* unmanaged<byte*, int, void> MKL_Get_Version_String;
    public static delegate* unmanaged<int, int> MKL_Set_Threading_Layer;
    /// <summary>Thread-local thread count (0 = back to the global setting); returns the previous local value.</summary>
    public static delegate* unmanaged<int, int> MKL_Set_Num_Threads_Local;
    public static delegate* unmanaged<int, int> MKL_Enable_Instructions;
    public static delegate* unmanaged<int> mkl_cbwr_get_auto_branch;

    private static readonly Lock Gate = new();
    private static LoadedLibrary? _library;

    /// <summary>Whether the process loaded MKL with the AVX2 CPU shim.</summary>
    public static bool Avx2Shim { get; private set; }

    /// <summary>The spec for MKL with or without the AVX2 shim.</summary>
    public static NativeLibrarySpec SpecFor(bool avx2Shim) => new(
        DisplayName: "Intel MKL", FileName: "libmkl_rt.so", ProbeSymbol: "cblas_sgemm", Preload: [],
        GlobalPreload: avx2Shim ? ["libgomp.so.1", CpuShimFile] : ["libgomp.so.1"],
        Required: avx2Shim ? [.. BaseRequired, "libmkl_avx2.so", "libmkl_vml_avx2.so", CpuShimFile] : BaseRequired,
        SystemName: "libmkl_rt.so");

    /// <summary>Loads MKL once per process. The shim choice is process-wide: asking for the other one later throws.</summary>
    public static LoadedLibrary Load(IEnumerable<string> directories, bool avx2Shim)
    {
        lock (Gate)
        {
            if (_library != null)
            {
                if (avx2Shim != Avx2Shim)
                    throw new InvalidOperationException(
                        $"MKL is already loaded {(Avx2Shim ? "with" : "without")} the AVX2 CPU shim in this process; the shim " +
                        $"can only be chosen before the first MKL load (set {BlasEnvironment.MklAvx2Variable} at process start).");
                return _library;
            }
            var lib = NativeLoader.Load(SpecFor(avx2Shim), directories);
            Resolve(lib);
            MKL_Set_Threading_Layer(MKL_THREADING_GNU);
            MKL_Enable_Instructions(MKL_ENABLE_AVX2);
            Avx2Shim = avx2Shim;
            return _library = lib;
        }
    }

    private static void Resolve(LoadedLibrary lib)
    {
        cblas_sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)lib.Export(nameof(cblas_sgemm));
        ResolveBf16(lib);
        MKL_Set_Num_Threads = (delegate* unmanaged<int, void>)lib.Export(nameof(MKL_Set_Num_Threads));
        MKL_Get_Max_Threads = (delegate* unmanaged<int>)lib.Export(nameof(MKL_Get_Max_Threads));
        MKL_Get_Version_String = (delegate* unmanaged<byte*, int, void>)lib.Export(nameof(MKL_Get_Version_String));
        MKL_Set_Threading_Layer = (delegate* unmanaged<int, int>)lib.Export(nameof(MKL_Set_Threading_Layer));
        MKL_Set_Num_Threads_Local = (delegate* unmanaged<int, int>)lib.Export(nameof(MKL_Set_Num_Threads_Local));
        MKL_Enable_Instructions = (delegate* unmanaged<int, int>)lib.Export(nameof(MKL_Enable_Instructions));
        mkl_cbwr_get_auto_branch = (delegate* unmanaged<int>)lib.Export(nameof(mkl_cbwr_get_auto_branch));
    }

    /// <summary>e.g. "Intel(R) Math Kernel Library Version 2020.0.4 Product Build 20200917 ...".</summary>
    public static string VersionString()
    {
        byte* buffer = stackalloc byte[256];
        MKL_Get_Version_String(buffer, 256);
        return Marshal.PtrToStringUTF8((nint)buffer)?.Trim() ?? "";
    }

    /// <summary>The code path MKL's dispatcher chose (CNR auto branch), e.g. "AVX2" or "COMPATIBLE".</summary>
    public static string AutoBranch() => mkl_cbwr_get_auto_branch() switch
    {
        2 => "AUTO (generic, non-Intel CPU)", 3 => "COMPATIBLE", 4 => "SSE2", 6 => "SSSE3", 7 => "SSE4_1",
        8 => "SSE4_2", 9 => "AVX", 10 => "AVX2", 12 => "AVX512", 14 => "AVX512_E1", int b => $"branch {b}",
    };

    /// <summary>The per-CPU kernel library MKL has mapped (after its first call), e.g. "libmkl_avx2.so".</summary>
    public static string KernelLibrary()
    {
        var kernel = new Regex(@"libmkl_(def|mc3?|avx2?|avx512(_mic)?)\.so");
        foreach (string line in File.ReadLines("/proc/self/maps"))
            if (kernel.Match(line) is { Success: true } m) return m.Value;
        return "(none mapped yet)";
    }
}
