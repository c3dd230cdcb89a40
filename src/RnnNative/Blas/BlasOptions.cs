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
    /// MKL only: the widest instruction set MKL may use. Null reads <c>RNNNATIVE_MKL_INSTRUCTIONS</c> (then the
    /// older <c>RNNNATIVE_MKL_AVX2=1</c>, meaning <see cref="Blas.MklInstructions.Avx2"/>), and without either takes
    /// the widest this CPU runs. A cap above the CPU's instruction sets is lowered to them. Process-wide: decided at
    /// the first MKL load.
    /// </summary>
    public MklInstructions? MklInstructions { get; init; }
}
