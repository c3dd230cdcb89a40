using RnnNative.Blas;

namespace RnnNative.Tests.Blas;

/// <summary>Every backend against the double-precision naive reference: all transposes, padded lds, alpha/beta ≠ 0/1.</summary>
[Collection(BlasCollection.Name)]
public sealed class GemmReferenceTests
{
    private static readonly int[] Sizes = [1, 7, 33, 150, 257];

    // (m, n, k) of the reference model: (150×28)·(28×150), (150×150)·(150×150), (4200×28)·(28×150), (150×4200)·(4200×150)
    private static readonly (int M, int N, int K)[] ModelShapes = [(150, 150, 28), (150, 150, 150), (4200, 150, 28), (150, 150, 4200)];
    private static readonly (int M, int N, int K)[] MixedShapes = [(7, 33, 257), (257, 1, 33), (33, 257, 7), (1, 150, 7), (150, 7, 1)];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(bool TransA, bool TransB, int M, int N, int K), GemmProblem> Problems = new();

    public static TheoryData<bool, bool, int, int, int> Cases()
    {
        var data = new TheoryData<bool, bool, int, int, int>();
        var shapes = Sizes.Select(s => (s, s, s)).Concat(MixedShapes).Concat(ModelShapes).Distinct(); // 150³ is both
        foreach (var (m, n, k) in shapes)
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    data.Add(transA, transB, m, n, k);
        return data;
    }

    [BackendTheory(BlasKind.Managed), MemberData(nameof(Cases))]
    public void ManagedMatchesReference(bool transA, bool transB, int m, int n, int k) => MatchesReference(BlasKind.Managed, transA, transB, m, n, k);

    [BackendTheory(BlasKind.OpenBlas), MemberData(nameof(Cases))]
    public void OpenBlasMatchesReference(bool transA, bool transB, int m, int n, int k) => MatchesReference(BlasKind.OpenBlas, transA, transB, m, n, k);

    [BackendTheory(BlasKind.Mkl), MemberData(nameof(Cases))]
    public void MklMatchesReference(bool transA, bool transB, int m, int n, int k) => MatchesReference(BlasKind.Mkl, transA, transB, m, n, k);

    private static void MatchesReference(BlasKind kind, bool transA, bool transB, int m, int n, int k)
    {
        using var blas = BlasBackend.Create(kind);
        // one problem (and one naive reference) per case, shared by the three backends
        var problem = Problems.GetOrAdd((transA, transB, m, n, k), key =>
            GemmProblem.Random(key.TransA, key.TransB, key.M, key.N, key.K, seed: key.M * 31 + key.N * 7 + key.K));
        problem.AssertMatchesReference(problem.RunOn(blas), $"{kind} {problem}");
    }

    public static TheoryData<BlasKind, bool, bool> KindsAndTransposes()
    {
        var data = new TheoryData<BlasKind, bool, bool>();
        foreach (var kind in BackendAvailability.TestableKinds)
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    data.Add(kind, transA, transB);
        return data;
    }

    [Theory, MemberData(nameof(KindsAndTransposes))]
    public void BetaZeroOverwritesCEvenWhenItHoldsNaN(BlasKind kind, bool transA, bool transB)
    {
        using var blas = BlasBackend.Create(kind);
        var problem = GemmProblem.Random(transA, transB, 37, 21, 19, seed: 5, alpha: 1.5f, beta: 0f);
        Array.Fill(problem.C0, float.NaN);
        var c = problem.RunOn(blas);
        problem.AssertMatchesReference(c, $"{kind} {problem}");
    }

    [Theory, MemberData(nameof(KindsAndTransposes))]
    public void AlphaZeroOnlyScalesC(BlasKind kind, bool transA, bool transB)
    {
        using var blas = BlasBackend.Create(kind);
        var problem = GemmProblem.Random(transA, transB, 19, 40, 13, seed: 6, alpha: 0f, beta: 2f);
        problem.AssertMatchesReference(problem.RunOn(blas), $"{kind} {problem}");
    }
}
