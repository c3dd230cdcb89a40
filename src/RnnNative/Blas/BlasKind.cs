namespace RnnNative.Blas;

/// <summary>Which GEMM implementation a <see cref="BlasBackend"/> dispatches to.</summary>
public enum BlasKind
{
    /// <summary>Plain C#: cache-blocked, vectorised; always available.</summary>
    Managed,
    /// <summary>OpenBLAS (<c>libopenblas.so.0</c> from Debian's <c>libopenblas0-pthread</c>).</summary>
    OpenBlas,
    /// <summary>Intel MKL (<c>libmkl_rt.so</c> from Debian's non-free <c>libmkl-rt</c>).</summary>
    Mkl,
}
