namespace RnnNative.Blas;

/// <summary>How to create a <see cref="BlasBackend"/>.</summary>
public sealed record BlasOptions
{
    /// <summary>Threads for one GEMM (≥ 1).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// A folder searched first for the native libraries; null uses <c>RNNNATIVE_NATIVE_DIR</c> when set.
    /// </summary>
    public string? NativeDirectory { get; init; }

    /// <summary>
    /// MKL only: load <c>libmkl_cpu_shim.so</c> before MKL so that its dispatcher takes the AVX2 kernels on
    /// non-Intel CPUs. Null reads <c>RNNNATIVE_MKL_AVX2</c>. Process-wide: decided at the first MKL load.
    /// </summary>
    public bool? MklAvx2 { get; init; }
}
