using RnnNative.Kernels;

namespace RnnNative.Tests.RnnKernels;

/// <summary>Checks the reference itself: its BPTT gradients against central finite differences of its loss.</summary>
public class NaiveRnnGradientTests
{
    public static TheoryData<RnnCellKind> Cells() => new(Enum.GetValues<RnnCellKind>());

    [Theory]
    [MemberData(nameof(Cells))]
    public void BackpropagationMatchesFiniteDifferences(RnnCellKind kind)
    {
        // Tiny ragged problem: one full sequence, one of length 0, one stopping early; time-major to cover Offset.
        var p = RnnProblem.Random(kind, batch: 3, steps: 3, inputs: 2, units: 3, lengths: [3, 0, 2],
            timeMajor: true, seed: 70 + (int)kind, forgetBias: 0.6f);
        var analytic = NaiveRnn.Run(p);
        (string, double[], double[])[] parameters =
        [
            ("x", p.X, analytic.DX), ("kernel", p.Kernel, analytic.DKernel), ("bias", p.Bias, analytic.DBias),
            ("candidateKernel", p.CandidateKernel, analytic.DCandidateKernel),
            ("candidateBias", p.CandidateBias, analytic.DCandidateBias), ("h0", p.H0, analytic.DH0), ("c0", p.C0, analytic.DC0),
        ];
        foreach (var (name, values, gradient) in parameters)
            for (int i = 0; i < values.Length; i++)
            {
                double numeric = CentralDifference(p, values, i);
                Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-7 * Math.Max(1, Math.Abs(numeric)),
                    $"d loss / d {name}[{i}]: backprop {gradient[i]:R}, finite difference {numeric:R}.");
            }
    }

    [Fact]
    public void ReferenceLossDependsOnEveryValidStepOnly()
    {
        // Inputs past an example's length must not change anything; inputs inside it must.
        var p = RnnProblem.Random(RnnCellKind.BasicTanh, batch: 2, steps: 4, inputs: 2, units: 3, lengths: [4, 2],
            timeMajor: false, seed: 80);
        double loss = NaiveRnn.Run(p).Loss;
        p.X[p.Offset(1, 3, 2)] += 1;
        Assert.Equal(loss, NaiveRnn.Run(p).Loss);
        p.X[p.Offset(1, 1, 2)] += 1;
        Assert.NotEqual(loss, NaiveRnn.Run(p).Loss);
    }

    // (L(v + ε) − L(v − ε)) / 2ε in double; truncation ~ε², rounding ~1e-16/ε.
    private static double CentralDifference(RnnProblem p, double[] values, int index)
    {
        const double epsilon = 1e-5;
        double saved = values[index];
        values[index] = saved + epsilon;
        double plus = NaiveRnn.Run(p).Loss;
        values[index] = saved - epsilon;
        double minus = NaiveRnn.Run(p).Loss;
        values[index] = saved;
        return (plus - minus) / (2 * epsilon);
    }
}
