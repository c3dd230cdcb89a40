namespace RnnNative.Blas;

/// <summary>Which backend is fastest by rule on a CPU, among those whose libraries load.</summary>
/// <remarks>
/// The rule (from <c>rnn bench</c> runs of the reference models, docs/performance.md): MKL wherever it can
/// run its AVX2 or AVX-512 kernels (the CPU has AVX2 + FMA; on AMD through the CPU shim), then OpenBLAS, then the
/// managed GEMM. A rule, not a measurement: it never times anything, so it is cheap and the same on every run.
/// </remarks>
public static class FastestBackend
{
    /// <summary>The fastest backend by rule for <paramref name="cpu"/>, given which kinds are available.</summary>
    public static BlasKind ByRule(CpuFeatures cpu, Func<BlasKind, bool> isAvailable)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        ArgumentNullException.ThrowIfNull(isAvailable);
        if (MklInstructionPolicy.Widest(cpu) >= MklInstructions.Avx2 && isAvailable(BlasKind.Mkl)) return BlasKind.Mkl;
        if (isAvailable(BlasKind.OpenBlas)) return BlasKind.OpenBlas;
        return BlasKind.Managed;
    }

    /// <summary>The fastest backend by rule on the CPU it runs on (loads the libraries to see which are available).</summary>
    public static BlasKind OnThisMachine() => ByRule(CpuFeatures.Current, kind => BlasBackend.IsAvailable(kind, out _));
}
