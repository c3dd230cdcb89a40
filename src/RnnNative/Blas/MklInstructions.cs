namespace RnnNative.Blas;

/// <summary>The widest instruction set Intel MKL may dispatch to (its <c>mkl_enable_instructions</c> cap).</summary>
/// <remarks>
/// MKL 2020.4 as fetched by <c>build.ps1 deps</c> ships the <c>def</c>, <c>avx2</c> and <c>avx512</c> kernel
/// libraries. On a non-Intel CPU MKL's dispatcher runs <c>def</c> whatever the cap, unless
/// <c>libmkl_cpu_shim.so</c> is loaded first (it makes MKL's Intel check answer yes, so the dispatcher picks by the
/// CPU's instruction sets); the engine loads the shim for <see cref="Avx2"/> and <see cref="Avx512"/>, which it only
/// selects when the CPU has those instructions.
/// </remarks>
public enum MklInstructions
{
    /// <summary>No CPU shim, cap AVX2: MKL's own choice (its generic <c>def</c> kernels on non-Intel CPUs).</summary>
    Generic = 0,
    /// <summary>AVX2 + FMA kernels (<c>libmkl_avx2.so</c>).</summary>
    Avx2 = 1,
    /// <summary>AVX-512 kernels (<c>libmkl_avx512.so</c>; needs AVX-512 F, CD, BW, DQ and VL).</summary>
    Avx512 = 2,
}

/// <summary>How the engine picks <see cref="MklInstructions"/> from the CPU, options and environment.</summary>
internal static class MklInstructionPolicy
{
    /// <summary>The widest level this CPU runs: AVX-512 (Skylake set), else AVX2 with FMA, else generic.</summary>
    public static MklInstructions Widest(CpuFeatures cpu) =>
        cpu.HasAvx512SkylakeSet ? MklInstructions.Avx512
        : cpu.Avx2 && cpu.Fma ? MklInstructions.Avx2
        : MklInstructions.Generic;

    /// <summary>The requested cap, lowered to what the CPU has; null (no request) is the CPU's widest.</summary>
    public static MklInstructions Choose(MklInstructions? requested, MklInstructions widest) =>
        requested is { } r && r < widest ? r : widest;

    /// <summary>The request from options first, then <c>RNNNATIVE_MKL_INSTRUCTIONS</c>, then <c>RNNNATIVE_MKL_AVX2=1</c>.</summary>
    public static MklInstructions? Requested(MklInstructions? option)
    {
        if (option != null) return option;
        if (BlasEnvironment.Get(BlasEnvironment.MklInstructionsVariable) is { } text) return Parse(text);
        return BlasEnvironment.IsTrue(BlasEnvironment.MklAvx2Variable) ? MklInstructions.Avx2 : null;
    }

    /// <summary>"generic", "avx2", "avx512" or "auto" (null), case-insensitive.</summary>
    /// <exception cref="ArgumentException">Any other value; the message lists the valid ones.</exception>
    public static MklInstructions? Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => null,
        "generic" or "def" => MklInstructions.Generic,
        "avx2" => MklInstructions.Avx2,
        "avx512" or "avx-512" => MklInstructions.Avx512,
        _ => throw new ArgumentException(
            $"{BlasEnvironment.MklInstructionsVariable}='{text}' is not valid: use auto, generic, avx2 or avx512."),
    };

    /// <summary>The per-CPU kernel libraries MKL dlopens for a level (it calls exit(2) if one is missing).</summary>
    public static string[] KernelFiles(MklInstructions level) => level switch
    {
        MklInstructions.Avx512 => ["libmkl_avx512.so", "libmkl_vml_avx512.so"],
        MklInstructions.Avx2 => ["libmkl_avx2.so", "libmkl_vml_avx2.so"],
        _ => [],
    };

    /// <summary>The highest level not above <paramref name="level"/> whose kernel files are all in <paramref name="dir"/>.</summary>
    public static MklInstructions Available(MklInstructions level, string dir)
    {
        while (level > MklInstructions.Generic && KernelFiles(level).Any(f => !File.Exists(Path.Combine(dir, f))))
            level--;
        return level;
    }
}
