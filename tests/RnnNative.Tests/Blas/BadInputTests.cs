using RnnNative.Blas;

namespace RnnNative.Tests.Blas;

/// <summary>Bad arguments are rejected in managed code with a message naming the problem, on every backend.</summary>
[Collection(BlasCollection.Name)]
public sealed class BadInputTests
{
    public static TheoryData<BlasKind> Kinds() => new(BackendAvailability.TestableKinds);

    private static void Gemm(BlasBackend blas, bool transA, bool transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc) =>
        blas.Sgemm(transA, transB, m, n, k, 1f, new float[aLength], lda, new float[bLength], ldb, 0f, new float[cLength], ldc);

    [Theory, MemberData(nameof(Kinds))]
    public void Spans_too_short_are_rejected(BlasKind kind)
    {
        using var blas = BlasBackend.Create(kind);
        // A (4×3) needs 12; B (3×5) needs 15; C (4×5) needs 20
        var e = Assert.Throws<ArgumentException>(() => Gemm(blas, false, false, 4, 5, 3, 11, 3, 15, 5, 20, 5));
        Assert.Contains("A has 11 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm(blas, false, false, 4, 5, 3, 12, 3, 14, 5, 20, 5));
        Assert.Contains("B has 14 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm(blas, false, false, 4, 5, 3, 12, 3, 15, 5, 19, 5));
        Assert.Contains("C has 19 elements", e.Message);
        // transposed A is stored (3×4) with lda 6: needs 2·6 + 4 = 16
        e = Assert.Throws<ArgumentException>(() => Gemm(blas, true, false, 4, 5, 3, 15, 6, 15, 5, 20, 5));
        Assert.Contains("needs 16", e.Message);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Zero_or_negative_dimensions_are_rejected(BlasKind kind)
    {
        using var blas = BlasBackend.Create(kind);
        foreach (var (m, n, k) in new[] { (0, 5, 3), (4, 0, 3), (4, 5, 0), (-1, 5, 3), (4, -5, 3), (4, 5, int.MinValue) })
        {
            var e = Assert.Throws<ArgumentException>(() => Gemm(blas, false, false, m, n, k, 100, 8, 100, 8, 100, 8));
            Assert.Contains($"m={m}, n={n}, k={k}", e.Message);
        }
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Leading_dimension_smaller_than_a_row_is_rejected(BlasKind kind)
    {
        using var blas = BlasBackend.Create(kind);
        Assert.Contains("lda=2 is smaller than a row of A (3", Assert.Throws<ArgumentException>(() => Gemm(blas, false, false, 4, 5, 3, 100, 2, 100, 5, 100, 5)).Message);
        Assert.Contains("lda=3 is smaller than a row of A (4", Assert.Throws<ArgumentException>(() => Gemm(blas, true, false, 4, 5, 3, 100, 3, 100, 5, 100, 5)).Message);
        Assert.Contains("ldb=4 is smaller than a row of B (5", Assert.Throws<ArgumentException>(() => Gemm(blas, false, false, 4, 5, 3, 100, 3, 100, 4, 100, 5)).Message);
        Assert.Contains("ldb=2 is smaller than a row of B (3", Assert.Throws<ArgumentException>(() => Gemm(blas, false, true, 4, 5, 3, 100, 3, 100, 2, 100, 5)).Message);
        Assert.Contains("ldc=4 is smaller than a row of C (5", Assert.Throws<ArgumentException>(() => Gemm(blas, false, false, 4, 5, 3, 100, 3, 100, 5, 100, 4)).Message);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Threads_below_one_are_rejected(BlasKind kind)
    {
        using var blas = BlasBackend.Create(kind);
        Assert.Throws<ArgumentOutOfRangeException>(() => blas.Threads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => BlasBackend.Create(kind, threads: -1));
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("")]
    [InlineData("open blas")]
    public void Unknown_backend_name_lists_the_valid_ones(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => BlasBackend.ParseKind(name));
        Assert.Contains($"'{name}'", e.Message);
        Assert.Contains("openblas, mkl, managed", e.Message);
        Assert.Throws<ArgumentException>(() => BlasBackend.FromEnvironmentValue(name, threads: 1));
    }

    [Theory]
    [InlineData("managed", BlasKind.Managed)]
    [InlineData("OpenBLAS", BlasKind.OpenBlas)]
    [InlineData(" mkl ", BlasKind.Mkl)]
    public void Backend_names_parse_case_insensitively(string name, BlasKind expected) =>
        Assert.Equal(expected, BlasBackend.ParseKind(name));

    [Fact]
    public void Unset_environment_variable_means_the_fastest_backend_by_rule()
    {
        using var blas = BlasBackend.FromEnvironmentValue(null, threads: 3);
        // The rule, restated: MKL where the CPU runs its AVX2 or AVX-512 kernels, else OpenBLAS, else managed.
        bool wideCpu = CpuFeatures.Current.Avx2 && CpuFeatures.Current.Fma;
        var expected = wideCpu && BlasBackend.IsAvailable(BlasKind.Mkl, out _) ? BlasKind.Mkl
            : BlasBackend.IsAvailable(BlasKind.OpenBlas, out _) ? BlasKind.OpenBlas : BlasKind.Managed;
        Assert.Equal(expected, blas.Kind);
        Assert.Equal(3, blas.Threads);
        Assert.Equal(expected == BlasKind.Managed, BlasBackend.IsDefaultFallback(blas.Kind));
    }

    [Fact]
    public void Every_kind_has_one_name_that_parses_back()
    {
        foreach (var kind in Enum.GetValues<BlasKind>())
            Assert.Equal(kind, BlasBackend.ParseKind(BlasBackend.NameOf(kind)));
        Assert.Equal(BlasBackend.ValidNames, string.Join(", ", BlasBackend.Names.Keys));
        Assert.False(BlasBackend.TryParseKind(null, out _));
    }
}
