using RnnNative.Blas;

namespace RnnNative.Tests.Blas;

/// <summary>
/// The bfloat16 GEMM against the double-precision naive GEMM on the widened operands, backends against each other,
/// and its refusals: bad arguments before native code, backends or CPUs without it with a reason.
/// </summary>
[Collection(BlasCollection.Name)]
public sealed class Bf16GemmTests
{
    private static BlasKind[] KindsWithBf16() =>
        BackendAvailability.TestableKinds.Where(k => { using var b = BlasBackend.Create(k); return b.SupportsBf16Gemm(out _); }).ToArray();

    public static TheoryData<BlasKind> Bf16Kinds() => new(KindsWithBf16());

    public static TheoryData<BlasKind, int> Bf16KindsAndSeeds()
    {
        var data = new TheoryData<BlasKind, int>();
        foreach (BlasKind kind in KindsWithBf16())
            for (int seed = 1; seed <= 8; seed++) data.Add(kind, seed);
        return data;
    }

    [Theory, MemberData(nameof(Bf16KindsAndSeeds))]
    public void GemmBf16_matches_the_naive_gemm_on_the_widened_operands(BlasKind kind, int seed)
    {
        var random = new Random(seed);
        var problem = GemmProblem.Random(random.Next(2) == 1, random.Next(2) == 1,
            random.Next(1, 200), random.Next(1, 200), random.Next(1, 300), seed, pad: random.Next(0, 4));
        var (a, b) = RoundOperands(problem);
        using var blas = BlasBackend.Create(kind);
        float[] c = (float[])problem.C0.Clone();
        blas.GemmBf16(problem.TransA, problem.TransB, problem.M, problem.N, problem.K, problem.Alpha,
            a, problem.Lda, b, problem.Ldb, problem.Beta, c, problem.Ldc);
        // products of bfloat16 values are exact in float32, so the float32 summation bound applies
        problem.AssertMatchesReference(c, $"{kind} bf16 {problem}");
    }

    [Fact]
    public void The_step_shapes_agree_between_every_backend_that_has_it()
    {
        var kinds = KindsWithBf16();
        foreach (var (transA, transB, m, n, k) in new[] { (false, false, 150, 150, 178), (false, true, 150, 178, 150), (true, false, 178, 150, 420) })
        {
            var problem = GemmProblem.Random(transA, transB, m, n, k, seed: m + k, pad: 0);
            var (a, b) = RoundOperands(problem);
            foreach (BlasKind kind in kinds)
            {
                using var blas = BlasBackend.Create(kind);
                float[] c = (float[])problem.C0.Clone();
                blas.GemmBf16(transA, transB, m, n, k, problem.Alpha, a, problem.Lda, b, problem.Ldb, problem.Beta, c, problem.Ldc);
                problem.AssertMatchesReference(c, $"{kind} bf16 {problem}");
            }
        }
    }

    [Theory, MemberData(nameof(Bf16Kinds))]
    public void Bad_arguments_are_rejected_before_native_code(BlasKind kind)
    {
        using var blas = BlasBackend.Create(kind);
        var e = Assert.Throws<ArgumentException>(() =>
            blas.GemmBf16(false, false, 4, 5, 3, 1f, new ushort[11], 3, new ushort[15], 5, 0f, new float[20], 5));
        Assert.Contains("A has 11 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() =>
            blas.GemmBf16(false, true, 4, 5, 3, 1f, new ushort[12], 3, new ushort[100], 2, 0f, new float[20], 5));
        Assert.Contains("ldb=2 is smaller than a row of B (3", e.Message);
        e = Assert.Throws<ArgumentException>(() =>
            blas.GemmBf16(false, false, 4, 0, 3, 1f, new ushort[12], 3, new ushort[15], 5, 0f, new float[20], 5));
        Assert.Contains("m=4, n=0, k=3", e.Message);
    }

    [BackendFact(BlasKind.OpenBlas)]
    public void OpenBlas_refuses_with_what_to_use_instead()
    {
        using var blas = BlasBackend.Create(BlasKind.OpenBlas);
        Assert.False(blas.SupportsBf16Gemm(out string reason));
        Assert.Contains("no bfloat16 GEMM", reason);
        var e = Assert.Throws<NotSupportedException>(() =>
            blas.GemmBf16(false, false, 1, 1, 1, 1f, new ushort[1], 1, new ushort[1], 1, 0f, new float[1], 1));
        Assert.Contains("managed backend for the emulation", e.Message);
    }

    [Fact]
    public void Managed_backend_emulates_everywhere()
    {
        using var blas = BlasBackend.Create(BlasKind.Managed);
        Assert.True(blas.SupportsBf16Gemm(out _));
        Assert.Contains("emulated", blas.Bf16Kernel);
    }

    // A and B rounded to bfloat16 in place (so the problem's reference uses the widened values); returns their bits.
    private static (ushort[] A, ushort[] B) RoundOperands(GemmProblem problem)
    {
        var a = new ushort[problem.A.Length];
        var b = new ushort[problem.B.Length];
        BFloat16.FromFloats(problem.A, a);
        BFloat16.FromFloats(problem.B, b);
        BFloat16.ToFloats(a, problem.A);
        BFloat16.ToFloats(b, problem.B);
        return (a, b);
    }
}
