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
/// through the global scope) and, before anything else runs, selects the GNU threading layer, caps the instruction
/// set (<see cref="MklInstructions"/>) and turns on conditional numerical reproducibility for that code branch.
/// <para>CNR: with it MKL's results for given inputs, thread count and branch do not depend on the buffers'
/// addresses or on run-time scheduling; without it, the same GEMM on the same values at a different alignment can
/// round differently.</para>
/// </remarks>
internal static unsafe partial class MklNative
{
    public const string CpuShimFile = "libmkl_cpu_shim.so";
    private const int MKL_THREADING_GNU = 3;
    private const int MKL_ENABLE_AVX2 = 2, MKL_ENABLE_AVX512 = 4;
    private const int MKL_CBWR_AUTO = 2, MKL_CBWR_AVX2 = 10, MKL_CBWR_AVX512 = 12, MKL_CBWR_SUCCESS = 0;

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
    /// <summary>Caps the dispatcher's instruction set; 1 on success (only before the first computation).</summary>
    public static delegate* unmanaged<int, int> MKL_Enable_Instructions;
    /// <summary>Sets the CNR branch (C spelling of <c>mkl_cbwr_set</c>); MKL_CBWR_SUCCESS on success.</summary>
    public static delegate* unmanaged<int, int> MKL_CBWR_Set;
    /// <summary>The CNR setting in force (C spelling of <c>mkl_cbwr_get(MKL_CBWR_BRANCH)</c>).</summary>
    public static delegate* unmanaged<int, int> MKL_CBWR_Get;
    public static delegate* unmanaged<int> mkl_cbwr_get_auto_branch;

    private static readonly Lock Gate = new();
    private static LoadedLibrary? _library;

    /// <summary>The instruction cap the process loaded MKL with (meaningful once loaded).</summary>
    public static MklInstructions Instructions { get; private set; }

    /// <summary>Whether the process loaded MKL with the CPU shim.</summary>
    public static bool CpuShim => Instructions >= MklInstructions.Avx2;

    /// <summary>The spec for MKL at an instruction level: the shim and kernel files it needs.</summary>
    public static NativeLibrarySpec SpecFor(MklInstructions level) => new(
        DisplayName: "Intel MKL", FileName: "libmkl_rt.so", ProbeSymbol: "cblas_sgemm", Preload: [],
        GlobalPreload: level >= MklInstructions.Avx2 ? ["libgomp.so.1", CpuShimFile] : ["libgomp.so.1"],
        Required: level >= MklInstructions.Avx2
            ? [.. BaseRequired, .. MklInstructionPolicy.KernelFiles(level), CpuShimFile] : BaseRequired,
        SystemName: "libmkl_rt.so");

    /// <summary>
    /// Loads MKL once per process at the requested cap (null: the widest this CPU runs and the found folder holds).
    /// The cap is process-wide: asking explicitly for another one later throws.
    /// </summary>
    public static LoadedLibrary Load(IEnumerable<string> directories, MklInstructions? requested)
    {
        var level = MklInstructionPolicy.Choose(requested, MklInstructionPolicy.Widest(CpuFeatures.Current));
        lock (Gate)
        {
            if (_library != null)
            {
                if (requested != null && level != Instructions)
                    throw new InvalidOperationException(
                        $"MKL is already loaded with instructions {Instructions} in this process; {level} can only be chosen " +
                        $"before the first MKL load (set {BlasEnvironment.MklInstructionsVariable} at process start).");
                return _library;
            }
            // An unrequested AVX-512 level falls back to AVX2 when the folder has no AVX-512 kernels (older deps).
            var lib = NativeLoader.Load(SpecFor(requested == null ? Min(level, MklInstructions.Avx2) : level), directories);
            if (requested == null) level = MklInstructionPolicy.Available(level, lib.Directory);
            Resolve(lib);
            Configure(level);
            Instructions = level;
            return _library = lib;
        }
    }

    private static MklInstructions Min(MklInstructions a, MklInstructions b) => a < b ? a : b;

    private static void Configure(MklInstructions level)
    {
        MKL_Set_Threading_Layer(MKL_THREADING_GNU);
        MKL_Enable_Instructions(level != MklInstructions.Avx512 ? MKL_ENABLE_AVX2 : Bf16CapFor(CpuFeatures.Current) ?? MKL_ENABLE_AVX512);
        Bf16Kernels = level == MklInstructions.Avx512 && Bf16CapFor(CpuFeatures.Current) != null;
        int branch = level switch
        {
            MklInstructions.Avx512 => MKL_CBWR_AVX512, MklInstructions.Avx2 => MKL_CBWR_AVX2, _ => MKL_CBWR_AUTO,
        };
        if (MKL_CBWR_Set(branch) != MKL_CBWR_SUCCESS && MKL_CBWR_Set(MKL_CBWR_AUTO) != MKL_CBWR_SUCCESS)
            throw new InvalidOperationException("MKL refused conditional numerical reproducibility (mkl_cbwr_set).");
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
        MKL_CBWR_Set = (delegate* unmanaged<int, int>)lib.Export(nameof(MKL_CBWR_Set));
        MKL_CBWR_Get = (delegate* unmanaged<int, int>)lib.Export(nameof(MKL_CBWR_Get));
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
    public static string AutoBranch() =>
        mkl_cbwr_get_auto_branch() is var b && b == MKL_CBWR_AUTO ? "AUTO (generic, non-Intel CPU)" : BranchName(b);

    /// <summary>The CNR branch in force, e.g. "AVX512"; "OFF" when CNR is off.</summary>
    public static string CnrBranch() => BranchName(MKL_CBWR_Get(MKL_CBWR_BRANCH));

    private const int MKL_CBWR_BRANCH = 1;

    private static string BranchName(int branch) => branch switch
    {
        0 => "OFF", 1 => "OFF",
        2 => "AUTO", 3 => "COMPATIBLE", 4 => "SSE2", 6 => "SSSE3", 7 => "SSE4_1",
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
