using RnnNative.Blas;

namespace RnnNative.Tests.Blas;

/// <summary>Backends agree with each other, and 1 and 2 threads agree, on random problems.</summary>
[Collection(BlasCollection.Name)]
public sealed class BackendAgreementTests
{
    public static TheoryData<BlasKind, BlasKind, int> PairsAndSeeds()
    {
        var data = new TheoryData<BlasKind, BlasKind, int>();
        var kinds = BackendAvailability.TestableKinds.ToArray();
        for (int x = 0; x < kinds.Length; x++)
            for (int y = x + 1; y < kinds.Length; y++)
                for (int seed = 1; seed <= 4; seed++)
                    data.Add(kinds[x], kinds[y], seed);
        return data;
    }

    [BackendPairTheory, MemberData(nameof(PairsAndSeeds))]
    public void TwoBackendsAgreeOnARandomProblem(BlasKind first, BlasKind second, int seed)
    {
        var random = new Random(seed);
        var problem = GemmProblem.Random(random.Next(2) == 1, random.Next(2) == 1,
            random.Next(1, 300), random.Next(1, 300), random.Next(1, 300), seed, pad: random.Next(0, 5));
        using var x = BlasBackend.Create(first);
        using var y = BlasBackend.Create(second);
        AssertClose(problem, problem.RunOn(x), problem.RunOn(y), $"{first} vs {second} {problem}");
    }

    public static TheoryData<BlasKind> Kinds() => new(BackendAvailability.TestableKinds);

    [Theory, MemberData(nameof(Kinds))]
    public void OneAndTwoThreadsAgree(BlasKind kind)
    {
        // big enough that every backend really splits the work (the managed one needs ≥ 4 M multiply-adds)
        var problem = GemmProblem.Random(false, true, 301, 257, 190, seed: 11);
        using var one = BlasBackend.Create(kind, threads: 1);
        using var two = BlasBackend.Create(kind, threads: 2);
        float[] c1 = problem.RunOn(one), c2 = problem.RunOn(two);
        Assert.Equal(2, two.Threads);
        // OpenBLAS's thread count is process-wide: other test classes running OpenBLAS sessions in parallel set
        // it back to 1 between our call and a read-back, so only per-instance counts can be read back reliably.
        if (kind != BlasKind.OpenBlas) Assert.Equal(2, two.LibraryThreads);
        problem.AssertMatchesReference(c2, $"{kind} 2 threads {problem}");
        AssertClose(problem, c1, c2, $"{kind} 1 vs 2 threads");
        if (kind == BlasKind.Managed) Assert.Equal(c1, c2); // same slabs, same order: bitwise identical
    }

    // Two float results of the same problem differ by at most twice the reference bound.
    private static void AssertClose(GemmProblem problem, float[] x, float[] y, string label)
    {
        var (_, magnitude) = problem.Reference;
        for (int i = 0; i < problem.M; i++)
            for (int j = 0; j < problem.N; j++)
            {
                float a = x[i * problem.Ldc + j], b = y[i * problem.Ldc + j];
                double bound = 2 * NaiveGemm.Tolerance(problem.K, magnitude[i * problem.N + j]);
                if (!(Math.Abs(a - b) <= bound))
                    Assert.Fail($"{label}: C[{i},{j}] {a} vs {b}, difference {Math.Abs(a - b):E2} > {bound:E2}");
            }
    }
}
