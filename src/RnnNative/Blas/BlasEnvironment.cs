namespace RnnNative.Blas;

/// <summary>Environment variables that choose and configure the BLAS backend at run time.</summary>
public static class BlasEnvironment
{
    /// <summary><c>RNNNATIVE_BLAS=openblas|mkl|managed</c>: the backend <see cref="BlasBackend.FromEnvironment"/> creates (unset: the fastest by rule, <see cref="FastestBackend"/>).</summary>
    public const string BackendVariable = "RNNNATIVE_BLAS";

    /// <summary><c>RNNNATIVE_NATIVE_DIR=/path</c>: a folder searched first for the native libraries.</summary>
    public const string NativeDirVariable = "RNNNATIVE_NATIVE_DIR";

    /// <summary>
    /// <c>RNNNATIVE_MKL_INSTRUCTIONS=auto|avx512|avx2|generic</c>: caps MKL's instruction set (default auto: the
    /// widest this CPU runs; see <see cref="MklInstructions"/> and docs/backends.md).
    /// </summary>
    public const string MklInstructionsVariable = "RNNNATIVE_MKL_INSTRUCTIONS";

    /// <summary>
    /// <c>RNNNATIVE_MKL_AVX2=1</c>: the older spelling of <c>RNNNATIVE_MKL_INSTRUCTIONS=avx2</c> (ignored when that is set).
    /// </summary>
    public const string MklAvx2Variable = "RNNNATIVE_MKL_AVX2";

    internal static string? Get(string name)
    {
        string? value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    internal static bool IsTrue(string name) =>
        Get(name) is { } v && (v == "1" || v.Equals("true", StringComparison.OrdinalIgnoreCase)
                                       || v.Equals("yes", StringComparison.OrdinalIgnoreCase));
}
