namespace RnnNative.Blas;

internal sealed partial class ManagedBlas
{
    // Widened operands, per calling thread; they only grow, so a steady state allocates nothing.
    [ThreadStatic] private static float[]? _wideA, _wideB;

    /// <summary>The managed backend emulates bfloat16 GEMMs everywhere.</summary>
    public override bool SupportsBf16Gemm(out string reason)
    {
        reason = "";
        return true;
    }

    public override string Bf16Kernel => "emulated: bfloat16 operands widened to float32, float32 GEMM";

    // The emulation: widen A and B exactly, then the float32 GEMM (same definition as a native bfloat16 GEMM).
    protected override void GemmBf16Core(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<ushort> a, int lda, ReadOnlySpan<ushort> b, int ldb, float beta, Span<float> c, int ldc)
    {
        int aLength = StoredLength(transA ? k : m, transA ? m : k, lda);
        int bLength = StoredLength(transB ? n : k, transB ? k : n, ldb);
        Span<float> wideA = Grow(ref _wideA, aLength), wideB = Grow(ref _wideB, bLength);
        BFloat16.ToFloats(a[..aLength], wideA);
        BFloat16.ToFloats(b[..bLength], wideB);
        SgemmCore(transA, transB, m, n, k, alpha, wideA, lda, wideB, ldb, beta, c, ldc);
    }

    private static Span<float> Grow(ref float[]? buffer, int length)
    {
        if (buffer == null || buffer.Length < length) buffer = new float[Math.Max(length, (buffer?.Length ?? 0) * 2)];
        return buffer.AsSpan(0, length);
    }
}
