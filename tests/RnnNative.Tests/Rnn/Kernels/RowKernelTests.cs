using RnnNative.Kernels;

namespace RnnNative.Tests.RnnKernels;

/// <summary>
/// Every fused elementwise row kernel at every width 0..257 (whole vectors, every tail) against the pointwise
/// formulas of <see cref="NaiveMath"/> in double, with guard elements after each row that must stay untouched:
/// through <see cref="RowLoop.Run"/> (the width this CPU uses), and at 512 and 256 bits explicitly in the
/// subclasses below (Vector512 runs in software where the CPU lacks it, so both widths are tested everywhere).
/// </summary>
public class RowKernelTests
{
    /// <summary>Runs a row kernel the way this test class is about.</summary>
    private protected virtual void Run<TKernel>(ref TKernel kernel, int width) where TKernel : struct, IRowKernel, allows ref struct =>
        RowLoop.Run(ref kernel, width);

    [Fact]
    public void RunTakesTheWidestAcceleratedWidth() =>
        Assert.Equal(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512 : 256, RowLoop.VectorBits);

    private const int MaxWidth = 257;
    private readonly Random random = new(90);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BasicForward(bool relu)
    {
        for (int h = 0; h <= MaxWidth; h++)
        {
            Row gates = Random(h, 3), bias = Random(h, 1), next = Random(h, 1), output = Random(h, 1);
            var expected = NaiveMath.Basic(Sum(gates, bias), relu);
            if (relu)
                RunBasicForward<ReluActivation>(gates, bias, next, output);
            else
                RunBasicForward<TanhActivation>(gates, bias, next, output);
            foreach (var row in new[] { gates, next, output })
                row.AssertEquals(expected, $"basic forward, H = {h}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BasicBackward(bool relu)
    {
        for (int h = 0; h <= MaxWidth; h++)
        {
            Row z = Random(h, 3), dOut = Random(h, 1), dH = Random(h, 1), dPre = Random(h, 1), dBias = Random(h, 1);
            var saved = new Row(NaiveMath.Basic(z.Doubles, relu));
            var dz = NaiveMath.BasicBackward(z.Doubles, Sum(dOut, dH), relu);
            var dBiasExpected = Sum(dBias, dz);
            if (relu)
                RunBasicBackward<ReluActivation>(saved, dOut, dH, dPre, dBias);
            else
                RunBasicBackward<TanhActivation>(saved, dOut, dH, dPre, dBias);
            dPre.AssertEquals(dz, $"basic backward dPre, H = {h}");
            dBias.AssertEquals(dBiasExpected, $"basic backward dBias, H = {h}");
        }
    }

    [Fact]
    public void LstmForward()
    {
        for (int h = 0; h <= MaxWidth; h++)
        {
            Row gates = Random(4 * h, 3), bias = Random(4 * h, 1), cPrev = Random(h, 2);
            Row tanhC = Random(h, 1), cNext = Random(h, 1), hNext = Random(h, 1), output = Random(h, 1);
            var e = NaiveMath.Lstm(Sum(gates, bias), cPrev.Doubles, 0.8);
            var gateRow = new LstmGatesRow(gates.Span, bias.Span, 0.8f);
            Run(ref gateRow, h);
            var stateRow = new LstmStateRow(gates.Span, cPrev.Span, tanhC.Span, cNext.Span, hNext.Span, output.Span);
            Run(ref stateRow, h);
            gates.AssertEquals([.. e.I, .. e.J, .. e.F, .. e.O], $"LSTM gates, H = {h}");
            tanhC.AssertEquals(e.C.Select(Math.Tanh).ToArray(), $"LSTM tanh(c), H = {h}");
            cNext.AssertEquals(e.C, $"LSTM c, H = {h}");
            hNext.AssertEquals(e.H, $"LSTM h, H = {h}");
            output.AssertEquals(e.H, $"LSTM output, H = {h}");
        }
    }

    [Fact]
    public void LstmBackward()
    {
        for (int h = 0; h <= MaxWidth; h++)
        {
            Row cPrev = Random(h, 2), dOut = Random(h, 1), dH = Random(h, 1), dC = Random(h, 1);
            Row dPre = Random(4 * h, 1), dBias = Random(4 * h, 1);
            var g = NaiveMath.Lstm(Random(4 * h, 3).Doubles, cPrev.Doubles, 1.0);
            var (dz, dcPrev) = NaiveMath.LstmBackward(g, cPrev.Doubles, Sum(dOut, dH), dC.Doubles);
            var dBiasExpected = Sum(dBias, dz);
            Row gates = new([.. g.I, .. g.J, .. g.F, .. g.O]), tanhC = new(g.C.Select(Math.Tanh).ToArray());
            var row = new LstmBackwardRow(gates.Span, cPrev.Span, tanhC.Span, dOut.Span, dH.Span, dC.Span, dPre.Span, dBias.Span);
            Run(ref row, h);
            dPre.AssertEquals(dz, $"LSTM dPre, H = {h}");
            dC.AssertEquals(dcPrev, $"LSTM dc_prev, H = {h}");
            dBias.AssertEquals(dBiasExpected, $"LSTM dBias, H = {h}");
        }
    }

    [Fact]
    public void GruForward()
    {
        for (int h = 0; h <= MaxWidth; h++)
        {
            Row gates = Random(3 * h, 3), bias = Random(2 * h, 1), candidateBias = Random(h, 1), hPrev = Random(h, 1);
            Row rh = Random(h, 1), hNext = Random(h, 1), output = Random(h, 1);
            var (r, u) = NaiveMath.GruGates(Sum(gates.Slice(0, 2 * h), bias));
            var gateRow = new GruGateRow(gates.Span, bias.Span, hPrev.Span, rh.Span);
            Run(ref gateRow, h);
            rh.AssertEquals(r.Select((rm, m) => rm * hPrev.Doubles[m]).ToArray(), $"GRU r·h, H = {h}");

            var (c, hNew) = NaiveMath.GruCandidate(Sum(gates.Slice(2 * h, h), candidateBias), u, hPrev.Doubles);
            var candidateRow = new GruCandidateRow(gates.Span, candidateBias.Span, hPrev.Span, hNext.Span, output.Span);
            Run(ref candidateRow, h);
            gates.AssertEquals([.. r, .. u, .. c], $"GRU gates, H = {h}");
            hNext.AssertEquals(hNew, $"GRU h, H = {h}");
            output.AssertEquals(hNew, $"GRU output, H = {h}");
        }
    }

    [Fact]
    public void GruBackward()
    {
        for (int h = 0; h <= MaxWidth; h++)
        {
            Row hPrev = Random(h, 1), dOut = Random(h, 1), dH = Random(h, 1), dRH = Random(h, 1);
            Row dPre = Random(3 * h, 1), dBias = Random(2 * h, 1), dCandidateBias = Random(h, 1);
            var (r, u) = NaiveMath.GruGates(Random(2 * h, 3).Doubles);
            var c = Random(h, 2).Doubles.Select(Math.Tanh).ToArray();
            var (dzc, dzu, direct) = NaiveMath.GruCandidateBackward(u, c, hPrev.Doubles, Sum(dOut, dH));
            var (dzr, fromR) = NaiveMath.GruGateBackward(r, hPrev.Doubles, dRH.Doubles);
            double[] dBiasExpected = Sum(dBias, [.. dzr, .. dzu]), dCandidateExpected = Sum(dCandidateBias, dzc);
            Row gates = new([.. r, .. u, .. c]);

            var candidateRow = new GruCandidateBackwardRow(gates.Span, hPrev.Span, dOut.Span, dH.Span, dPre.Span,
                dBias.Span, dCandidateBias.Span);
            Run(ref candidateRow, h);
            dH.AssertEquals(direct, $"GRU dh·u, H = {h}");
            var gateRow = new GruGateBackwardRow(gates.Span, hPrev.Span, dRH.Span, dH.Span, dPre.Span, dBias.Span);
            Run(ref gateRow, h);

            dPre.AssertEquals([.. dzr, .. dzu, .. dzc], $"GRU dPre, H = {h}");
            dH.AssertEquals(direct.Select((d, m) => d + fromR[m]).ToArray(), $"GRU dh_prev, H = {h}");
            dBias.AssertEquals(dBiasExpected, $"GRU dBias, H = {h}");
            dCandidateBias.AssertEquals(dCandidateExpected, $"GRU dCandidateBias, H = {h}");
        }
    }

    [Fact]
    public void BasicRowsStoreTheBfloat16BitsOfWhatTheyWrite()
    {
        const ushort Guard = 0xABCD;
        for (int h = 0; h <= MaxWidth; h++)
        {
            Row gates = Random(h, 3), bias = Random(h, 1), next = Random(h, 1), output = Random(h, 1);
            var nextBits = Enumerable.Repeat(Guard, h + 9).ToArray();
            var forward = new BasicForwardRow<TanhActivation>(gates.Span, bias.Span, next.Span, output.Span, nextBits.AsSpan(0, h));
            Run(ref forward, h);
            AssertBits(next.Span, nextBits, $"forward, H = {h}");

            Row dOut = Random(h, 1), dH = Random(h, 1), dPre = Random(h, 1), dBias = Random(h, 1);
            var dPreBits = Enumerable.Repeat(Guard, h + 9).ToArray();
            var backward = new BasicBackwardRow<TanhActivation>(next.Span, dOut.Span, dH.Span, dPre.Span, dBias.Span, dPreBits.AsSpan(0, h));
            Run(ref backward, h);
            AssertBits(dPre.Span, dPreBits, $"backward, H = {h}");
        }

        static void AssertBits(Span<float> values, ushort[] bits, string what)
        {
            for (int i = 0; i < values.Length; i++)
                Assert.True(BFloat16.FromFloat(values[i]) == bits[i], $"{what}: [{i}] = {bits[i]:X4}, expected {BFloat16.FromFloat(values[i]):X4}.");
            for (int i = values.Length; i < bits.Length; i++)
                Assert.True(bits[i] == Guard, $"{what}: wrote past the end of the row at {i}.");
        }
    }

    [Fact]
    public void BasicRowsWithoutTheirFloatCopiesWriteTheSameBitsAndNothingElse()
    {
        // The bfloat16 path leaves out next/output (forward) and dPre (backward): empty spans, nothing written there.
        for (int h = 0; h <= MaxWidth; h++)
        {
            Row gates = Random(h, 3), bias = Random(h, 1), next = Random(h, 1), output = Random(h, 1);
            var gatesAlone = gates.Span.ToArray();
            ushort[] bits = new ushort[h], bitsAlone = new ushort[h];
            var full = new BasicForwardRow<TanhActivation>(gates.Span, bias.Span, next.Span, output.Span, bits);
            Run(ref full, h);
            var alone = new BasicForwardRow<TanhActivation>(gatesAlone, bias.Span, default, default, bitsAlone);
            Run(ref alone, h);
            Assert.True(gates.Span.SequenceEqual(gatesAlone) && bits.AsSpan().SequenceEqual(bitsAlone), $"forward, H = {h}");

            Row dOut = Random(h, 1), dH = Random(h, 1), dPre = Random(h, 1), dBias = Random(h, 1);
            var dBiasAlone = dBias.Span.ToArray();
            var backward = new BasicBackwardRow<TanhActivation>(gates.Span, dOut.Span, dH.Span, dPre.Span, dBias.Span, bits);
            Run(ref backward, h);
            var backwardAlone = new BasicBackwardRow<TanhActivation>(gates.Span, dOut.Span, dH.Span, default, dBiasAlone, bitsAlone);
            Run(ref backwardAlone, h);
            Assert.True(dBias.Span.SequenceEqual(dBiasAlone) && bits.AsSpan().SequenceEqual(bitsAlone), $"backward, H = {h}");
        }
    }

    private void RunBasicForward<TAct>(Row gates, Row bias, Row next, Row output) where TAct : IActivation
    {
        var row = new BasicForwardRow<TAct>(gates.Span, bias.Span, next.Span, output.Span);
        Run(ref row, gates.Length);
    }

    private void RunBasicBackward<TAct>(Row h, Row dOut, Row dH, Row dPre, Row dBias) where TAct : IActivation
    {
        var row = new BasicBackwardRow<TAct>(h.Span, dOut.Span, dH.Span, dPre.Span, dBias.Span);
        Run(ref row, h.Length);
    }

    private Row Random(int n, double scale) =>
        new(Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 2 - 1) * scale).ToArray());

    private static double[] Sum(Row a, Row b) => Sum(a, b.Doubles);

    private static double[] Sum(Row a, double[] b) => a.Doubles.Select((v, i) => v + b[i]).ToArray();

    /// <summary>A float row followed by guard elements; Doubles holds the float values it started with.</summary>
    private sealed class Row
    {
        private const int Guard = 9;
        private const float Sentinel = 12345.5f;
        private readonly float[] storage;

        public Row(double[] values)
        {
            storage = [.. values.Select(v => (float)v), .. Enumerable.Repeat(Sentinel, Guard)];
            Doubles = values.Select(v => (double)(float)v).ToArray();
        }

        public int Length => Doubles.Length;
        public double[] Doubles { get; }
        public Span<float> Span => storage.AsSpan(0, Length);
        public Row Slice(int start, int length) => new(Doubles[start..(start + length)]);

        /// <summary>Values within 2e-6·max(1, |expected|) (a few float roundings of O(1) values); guards untouched.</summary>
        public void AssertEquals(double[] expected, string what)
        {
            Assert.Equal(expected.Length, Length);
            for (int i = 0; i < Length; i++)
                if (!(Math.Abs(storage[i] - expected[i]) <= 2e-6 * Math.Max(1, Math.Abs(expected[i]))))
                    Assert.Fail($"{what}: [{i}] = {storage[i]:R}, expected {expected[i]:R}.");
            for (int i = Length; i < storage.Length; i++)
                if (storage[i] != Sentinel)
                    Assert.Fail($"{what}: wrote past the end of the row at {i}.");
        }
    }
}

/// <summary>The row kernels with whole 512-bit vectors first, then one masked chunk (or, without AVX-512F, 256-bit and
/// tail chunks).</summary>
public sealed class RowKernel512Tests : RowKernelTests
{
    private protected override void Run<TKernel>(ref TKernel kernel, int width) => RowLoop.Run512(ref kernel, width);
}

/// <summary>The row kernels with 256-bit vectors and tail chunks only.</summary>
public sealed class RowKernel256Tests : RowKernelTests
{
    private protected override void Run<TKernel>(ref TKernel kernel, int width) => RowLoop.Run256(ref kernel, width);
}

/// <summary>A lane computes the same bits at 512 and 256 bits: the widths give bit-identical rows at every width.</summary>
public sealed class RowKernelWidthAgreementTests
{
    [Fact]
    public void LstmForwardAndBackwardAreBitIdenticalAt512And256Bits()
    {
        var random = new Random(17);
        for (int h = 0; h <= 257; h++)
        {
            float[] Rand(int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
            float[] gates = Rand(4 * h, 3), bias = Rand(4 * h, 1), cPrev = Rand(h, 2), dOut = Rand(h, 1), dH = Rand(h, 1), dC = Rand(h, 1);
            Assert.Equal(Lstm(h, gates, bias, cPrev, dOut, dH, dC, wide: false), Lstm(h, gates, bias, cPrev, dOut, dH, dC, wide: true));
        }
    }

    // Forward (gates, then state) and backward over copies of the inputs; every output row concatenated.
    private static float[] Lstm(int h, float[] gates0, float[] bias, float[] cPrev, float[] dOut, float[] dH, float[] dC0, bool wide)
    {
        float[] gates = (float[])gates0.Clone(), dC = (float[])dC0.Clone(), tanhC = new float[h], cNext = new float[h];
        float[] hNext = new float[h], output = new float[h], dPre = new float[4 * h], dBias = new float[4 * h];
        var gateRow = new LstmGatesRow(gates, bias, 0.7f);
        var stateRow = new LstmStateRow(gates, cPrev, tanhC, cNext, hNext, output);
        var backRow = new LstmBackwardRow(gates, cPrev, tanhC, dOut, dH, dC, dPre, dBias);
        if (wide) { RowLoop.Run512(ref gateRow, h); RowLoop.Run512(ref stateRow, h); RowLoop.Run512(ref backRow, h); }
        else { RowLoop.Run256(ref gateRow, h); RowLoop.Run256(ref stateRow, h); RowLoop.Run256(ref backRow, h); }
        return [.. gates, .. tanhC, .. cNext, .. hNext, .. dC, .. dPre, .. dBias];
    }
}
