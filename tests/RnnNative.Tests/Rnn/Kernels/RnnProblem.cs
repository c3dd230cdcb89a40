using RnnNative.Kernels;

namespace RnnNative.Tests.RnnKernels;

/// <summary>
/// One dynamic_rnn problem: shapes, lengths, inputs, weights, initial state and the loss weights
/// (loss = Σ dOutputs·outputs + Σ dFinalH·finalH + Σ dFinalC·finalC, so they are the incoming gradients).
/// Values are float-representable doubles, so the float kernel and the double reference see the same numbers.
/// </summary>
internal sealed class RnnProblem
{
    public required RnnCellSpec Cell { get; init; }
    public required int Batch { get; init; }
    public required int Steps { get; init; }
    public required bool TimeMajor { get; init; }
    public required int[] Lengths { get; init; }
    public required double[] X { get; init; }
    public required double[] Kernel { get; init; }
    public required double[] Bias { get; init; }
    public required double[] CandidateKernel { get; init; }
    public required double[] CandidateBias { get; init; }
    public required double[] H0 { get; init; }      // empty = zeros
    public required double[] C0 { get; init; }      // LSTM only; empty = zeros
    public required double[] DOutputs { get; init; }
    public required double[] DFinalH { get; init; }
    public required double[] DFinalC { get; init; }  // LSTM only

    public int Inputs => Cell.Inputs;
    public int Units => Cell.Units;

    public static RnnProblem Random(RnnCellKind kind, int batch, int steps, int inputs, int units, int[] lengths,
        bool timeMajor, int seed, bool initialState = true, float forgetBias = 1f)
    {
        var random = new Random(seed);
        var cell = new RnnCellSpec(kind, inputs, units, forgetBias);
        bool lstm = kind == RnnCellKind.Lstm, gru = kind == RnnCellKind.Gru;
        double weightScale = 1.5 / Math.Sqrt(inputs + units);
        double[] Uniform(int n, double scale) =>
            Enumerable.Range(0, n).Select(_ => (double)(float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
        int bh = batch * units;
        return new RnnProblem
        {
            Cell = cell, Batch = batch, Steps = steps, TimeMajor = timeMajor, Lengths = lengths,
            X = Uniform(batch * steps * inputs, 1),
            Kernel = Uniform(cell.KernelLength, weightScale),
            Bias = Uniform(cell.BiasLength, 0.5),
            CandidateKernel = Uniform(cell.CandidateKernelLength, weightScale),
            CandidateBias = Uniform(cell.CandidateBiasLength, 0.5),
            H0 = initialState ? Uniform(bh, 0.8) : [],
            C0 = initialState && lstm ? Uniform(bh, 1.5) : [],
            DOutputs = Uniform(batch * steps * units, 1),
            DFinalH = Uniform(bh, 1),
            DFinalC = lstm ? Uniform(bh, 1) : [],
        };
    }

    /// <summary>Offset of (example, step) in a (B, T, w) or, time-major, (T, B, w) buffer.</summary>
    public int Offset(int example, int t, int width) =>
        (TimeMajor ? t * Batch + example : example * Steps + t) * width;

    public static float[] ToFloat(double[] values) => values.Select(v => (float)v).ToArray();
}
