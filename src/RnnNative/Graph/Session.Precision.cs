using RnnNative.Blas;

namespace RnnNative;

public sealed partial class Session
{
    // Float32: the backend as is. BFloat16: every GEMM through a bfloat16 wrapper reading the weights' copy;
    // a backend without a bfloat16 GEMM is refused here, at session creation, with the reason.
    private static BlasBackend WithPrecision(BlasBackend blas, Precision precision, Bf16Weights? weights, bool ownsBackend)
    {
        if (precision == Precision.Float32) return blas;
        if (precision != Precision.BFloat16)
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown precision. Valid: Float32, BFloat16.");
        if (!blas.SupportsBf16Gemm(out string reason))
        {
            if (ownsBackend) blas.Dispose();
            throw new NotSupportedException($"Precision BFloat16 is not available: {reason}");
        }
        return new Bf16Blas(blas, weights, ownsInner: ownsBackend);
    }
}

/// <summary>The precision of a session's GEMM operands; everything else (weights, optimizer state, elementwise passes, losses) stays float32.</summary>
public enum Precision
{
    /// <summary>float32 operands and products.</summary>
    Float32,
    /// <summary>
    /// Both operands of every GEMM rounded to bfloat16 (round to nearest even, see <see cref="BFloat16"/>) just before
    /// it, products accumulated in float32; the weights' bfloat16 copy is made once per run. Needs MKL on a CPU with
    /// AVX512_BF16, or the managed backend (an emulation with the same definition, no faster than float32).
    /// </summary>
    BFloat16,
}
