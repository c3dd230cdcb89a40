namespace RnnNative.Blas;

/// <summary>GEMM in plain C#. (Placeholder triple loop; replaced by a blocked, vectorised kernel.)</summary>
internal sealed class ManagedBlas : BlasBackend
{
    public override BlasKind Kind => BlasKind.Managed;
    public override string LibraryPath => "(managed)";
    public override string Version => "RnnNative managed GEMM";
    public override int Threads { get; set; } = 1;

    protected override void SgemmCore(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                    sum += (transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                ref float cij = ref c[i * ldc + j];
                cij = beta == 0 ? alpha * sum : alpha * sum + beta * cij;
            }
    }
}
