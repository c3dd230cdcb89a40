namespace RnnNative.Blas;

/// <summary>Validation of GEMM dimensions, leading dimensions and buffer lengths.</summary>
internal static class GemmArgs
{
    public static void Validate(bool transA, bool transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m <= 0 || n <= 0 || k <= 0)
            throw new ArgumentException($"GEMM dimensions must be positive: m={m}, n={n}, k={k}.");
        CheckMatrix("A", transA ? k : m, transA ? m : k, aLength, lda);
        CheckMatrix("B", transB ? n : k, transB ? k : n, bLength, ldb);
        CheckMatrix("C", m, n, cLength, ldc);
    }

    // A stored matrix of `rows` rows of `cols` used elements each, rows `ld` apart.
    private static void CheckMatrix(string name, int rows, int cols, int length, int ld)
    {
        if (ld < cols)
            throw new ArgumentException($"ld{name.ToLowerInvariant()}={ld} is smaller than a row of {name} ({cols} elements).");
        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException($"{name} has {length} elements but a {rows}x{cols} matrix with leading dimension {ld} needs {needed}.");
    }
}
