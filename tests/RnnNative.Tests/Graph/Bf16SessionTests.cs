using RnnNative.Benchmarking;
using RnnNative.Blas;
using RnnNative.Models;
using RnnNative.Tests.Blas;

namespace RnnNative.Tests;

/// <summary>
/// Sessions with <see cref="Precision.BFloat16"/>: gradients against float64 within the bound bfloat16 operands
/// imply, a training step on MKL against the managed emulation, refusals, and no allocation in steady state.
/// </summary>
[Collection(BlasCollection.Name)]
public sealed class Bf16SessionTests
{
    private const double Bf16UnitRoundoff = 1.0 / 256;   // bfloat16, 8 significant bits, round to nearest: u = 2^-8

    /// <summary>
    /// L = Σ (x·W) ⊙ C with C constant, so dL/dW = xᵀ·C and dL/dx = C·Wᵀ, each one GEMM whose operands bfloat16
    /// rounds: |bf16(a)·bf16(b) − a·b| ≤ (2u + u²)|a||b| per product, plus float32 summation (γ(k+3), u = 2^-24).
    /// </summary>
    [Theory]
    [InlineData(BlasKind.Managed)]
    [InlineData(BlasKind.Mkl)]
    public void MatMul_gradients_match_float64_within_the_bfloat16_operand_bound(BlasKind kind)
    {
        if (!Bf16Runs(kind, out string why)) { Assert.NotEmpty(why); return; }
        const int m = 7, k = 33, n = 5;
        var random = new Random(11);
        double[] xs = Values(random, m * k), ws = Values(random, k * n), cs = Values(random, m * n);
        var g = new Graph(1);
        var x = g.Variable("x", new Shape(m, k), Initializer.Zeros);
        var w = g.Variable("w", new Shape(k, n), Initializer.Zeros);
        var c = g.Constant(Tensor.FromArray(Floats(cs), m, n));
        var loss = Ops.ReduceSum(Ops.Multiply(Ops.MatMul(x, w), c));
        var grads = g.Gradients(loss, [x, w]);
        using var s = new Session(g, new SessionOptions { Backend = kind, Precision = Precision.BFloat16 });
        s.Run(g.GlobalVariablesInitializer());
        s.Assign(x, Tensor.FromArray(Floats(xs), m, k));
        s.Assign(w, Tensor.FromArray(Floats(ws), k, n));
        float[] dx = s.Run(grads[0]!)!.ToFloatArray(), dw = s.Run(grads[1]!)!.ToFloatArray();

        double worst = 0;
        for (int i = 0; i < m; i++)   // dx[i, p] = Σ_j c[i, j]·w[p, j]
            for (int p = 0; p < k; p++)
                worst = Math.Max(worst, Check(dx[i * k + p], n, j => cs[i * n + j], j => ws[p * n + j], $"dx[{i},{p}]"));
        for (int p = 0; p < k; p++)   // dw[p, j] = Σ_i x[i, p]·c[i, j]
            for (int j = 0; j < n; j++)
                worst = Math.Max(worst, Check(dw[p * n + j], m, i => xs[i * k + p], i => cs[i * n + j], $"dw[{p},{j}]"));
        // the operands really were rounded: float32 operands would leave errors ~2^-24, far below this
        Assert.True(worst > 1e-3, $"largest error/bound ratio {worst}: no sign of bfloat16 rounding");
    }

    // |got − Σ a_t·b_t| ≤ (2u + u²)·Σ|a_t·b_t| + γ(terms+3)·Σ|a_t·b_t|; returns error / (bfloat16 part of the bound).
    private static double Check(float got, int terms, Func<int, double> a, Func<int, double> b, string what)
    {
        double exact = 0, magnitude = 0;
        for (int t = 0; t < terms; t++)
        {
            exact += a(t) * b(t);
            magnitude += Math.Abs(a(t) * b(t));
        }
        double bound = (2 * Bf16UnitRoundoff + Bf16UnitRoundoff * Bf16UnitRoundoff) * magnitude + NaiveGemm.Tolerance(terms, magnitude);
        Assert.True(Math.Abs(got - exact) <= bound, $"{what} = {got}, float64 {exact}, |error| {Math.Abs(got - exact):E2} > bound {bound:E2}");
        return Math.Abs(got - exact) / ((2 * Bf16UnitRoundoff) * magnitude);
    }

    public static TheoryData<CellType> Cells => [CellType.Basic, CellType.Lstm, CellType.Gru];

    /// <summary>
    /// One training step of the reference classifier on MKL's bfloat16 GEMM against the managed emulation from the
    /// same weights: the same definition, so they differ only by float32 summation order — and where that moves a
    /// value across a bfloat16 rounding boundary, by one bfloat16 step (2^-8 relative) of that operand.
    /// </summary>
    [Theory, MemberData(nameof(Cells))]
    public void A_training_step_on_mkl_matches_the_managed_emulation(CellType cell)
    {
        if (!Bf16Runs(BlasKind.Mkl, out string why)) { Assert.NotEmpty(why); return; }
        var model = new SequenceClassifier(new SequenceClassifierOptions { Steps = 6, Inputs = 5, Units = 12, Classes = 4, Cell = cell, Seed = 3 });
        var feeds = Batch(model, 9);
        using var mkl = new Session(model.Graph, new SessionOptions { Backend = BlasKind.Mkl, Precision = Precision.BFloat16 });
        using var emulated = new Session(model.Graph, new SessionOptions { Backend = BlasKind.Managed, Precision = Precision.BFloat16 });
        using var fp32 = new Session(model.Graph, new SessionOptions { Backend = BlasKind.Managed });
        mkl.Run(model.Graph.GlobalVariablesInitializer());
        foreach (var s in new[] { emulated, fp32 })
            foreach (var v in model.Graph.GlobalVariables) s.Assign(v, mkl.Read(v));
        foreach (var s in new[] { mkl, emulated, fp32 }) s.Run(model.TrainOp, feeds);
        float[] gm = mkl.Parameters.Gradients.ToArray(), ge = emulated.Parameters.Gradients.ToArray(), gf = fp32.Parameters.Gradients.ToArray();
        double scale = gf.Max(Math.Abs), mklVsEmulated = MaxDifference(gm, ge), bf16VsFp32 = MaxDifference(ge, gf);
        Assert.True(mklVsEmulated <= 2e-3 * scale, $"MKL vs emulation: max |difference| {mklVsEmulated:E2}, gradient scale {scale:E2}");
        Assert.True(bf16VsFp32 > 1e-5 * scale, $"bf16 vs fp32 differ by only {bf16VsFp32:E2}: operands not rounded?");
        Assert.True(bf16VsFp32 < 5e-2 * scale, $"bf16 vs fp32 differ by {bf16VsFp32:E2} (scale {scale:E2})");
    }

    [BackendFact(BlasKind.OpenBlas)]
    public void A_backend_without_a_bfloat16_gemm_is_refused_at_session_creation()
    {
        var g = new Graph(1);
        var e = Assert.Throws<NotSupportedException>(() =>
            new Session(g, new SessionOptions { Backend = BlasKind.OpenBlas, Precision = Precision.BFloat16 }));
        Assert.Contains("Precision BFloat16 is not available", e.Message);
        Assert.Contains("OpenBlas backend has no bfloat16 GEMM", e.Message);
    }

    public static TheoryData<CellType, int> CellsAndThreads()
    {
        var data = new TheoryData<CellType, int>();
        foreach (var cell in new[] { CellType.Basic, CellType.Lstm, CellType.Gru })
            foreach (int threads in new[] { 1, 2 }) data.Add(cell, threads);
        return data;
    }

    [Theory, MemberData(nameof(CellsAndThreads))]
    public void Steady_state_bfloat16_steps_allocate_nothing(CellType cell, int threads)
    {
        var model = new SequenceClassifier(new SequenceClassifierOptions { Steps = 4, Inputs = 3, Units = 6, Classes = 3, Cell = cell });
        var feeds = Batch(model, 8);
        using var s = new Session(model.Graph, new SessionOptions { Backend = BlasKind.Managed, Precision = Precision.BFloat16, Threads = threads });
        s.Run(model.Graph.GlobalVariablesInitializer());
        for (int i = 0; i < 5; i++) s.Run(model.TrainOp, feeds);
        long before = TrainingBenchmark.AllocatedBytes(s);   // this thread's and the helper threads'
        for (int i = 0; i < 10; i++) s.Run(model.TrainOp, feeds);
        Assert.Equal(0, TrainingBenchmark.AllocatedBytes(s) - before);
        Assert.Equal(threads, s.Compute.Parts);
    }

    // Whether a bfloat16 session runs on this backend here; if not, why (an MKL that is missing, or a CPU without AVX512_BF16).
    private static bool Bf16Runs(BlasKind kind, out string why)
    {
        if (!BlasBackend.IsAvailable(kind, out why)) return BackendAvailability.IsCi ? throw new InvalidOperationException(why) : false;
        using var blas = BlasBackend.Create(kind);
        return blas.SupportsBf16Gemm(out why);
    }

    private static FeedDict Batch(SequenceClassifier model, int batch)
    {
        var o = model.Options;
        var random = new Random(5);
        return new FeedDict
        {
            [model.X] = Tensor.FromArray(Enumerable.Range(0, batch * o.Steps * o.Inputs).Select(_ => (float)random.NextDouble()).ToArray(), batch, o.Steps, o.Inputs),
            [model.Y] = Tensor.FromArray(Enumerable.Range(0, batch).Select(_ => random.Next(o.Classes)).ToArray(), batch),
        };
    }

    private static double MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();

    private static double[] Values(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1).ToArray();

    private static float[] Floats(double[] values) => values.Select(v => (float)v).ToArray();
}
