using RnnNative.Blas;
using RnnNative.Models;

namespace RnnNative.Benchmarking;

/// <summary>
/// One configuration of <see cref="TrainingBenchmark"/>: the backend and threads, and the shape of the
/// reference model (defaults: the lecture's X [B=150, T=28, I=28], tanh RNN with H=150, dense 150→10, Adam).
/// </summary>
public sealed record BenchmarkOptions
{
    /// <summary>The GEMM backend.</summary>
    public BlasKind Backend { get; init; } = BlasKind.Managed;

    /// <summary>Threads the training step may use (≥ 1).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>How the step uses its threads (<see cref="RnnThreading.Auto"/>: the engine's choice for the backend).</summary>
    public RnnThreading Threading { get; init; } = RnnThreading.Auto;

    /// <summary>The GEMM operands' precision; with bfloat16 the bound is the backend's 1024³ bfloat16 GEMM rate.</summary>
    public Precision Precision { get; init; } = Precision.Float32;

    /// <summary>The recurrent cell.</summary>
    public CellType Cell { get; init; } = CellType.Basic;

    /// <summary>B: examples per step.</summary>
    public int Batch { get; init; } = 150;

    /// <summary>H: hidden units.</summary>
    public int Units { get; init; } = 150;

    /// <summary>T: time steps per sequence.</summary>
    public int Steps { get; init; } = 28;

    /// <summary>I: inputs per time step.</summary>
    public int Inputs { get; init; } = 28;

    /// <summary>Output classes.</summary>
    public int Classes { get; init; } = 10;

    /// <summary>
    /// Untimed training steps before timing: buffers, caches, BLAS thread start-up, and the JIT — .NET recompiles a
    /// method optimised after ~30 calls (with profile-guided tiers in between), so methods called once per step
    /// settle only after 30–60 steps.
    /// </summary>
    public int WarmupSteps { get; init; } = 60;

    /// <summary>Timed training steps; the rates are medians over them.</summary>
    public int TimedSteps { get; init; } = 30;

    /// <summary>Extra steps run with the profiler on, for the time breakdown (not part of the timed steps).</summary>
    public int ProfiledSteps { get; init; } = 10;

    /// <summary>Seed of the random data and of the model's initial weights.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Checks every value and throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        Positive(Threads, nameof(Threads));
        Positive(Batch, nameof(Batch));
        Positive(Units, nameof(Units));
        Positive(Steps, nameof(Steps));
        Positive(Inputs, nameof(Inputs));
        Positive(Classes, nameof(Classes));
        Positive(TimedSteps, nameof(TimedSteps));
        if (WarmupSteps < 0) throw new ArgumentException($"{nameof(WarmupSteps)} must be ≥ 0, got {WarmupSteps}.");
        if (ProfiledSteps < 0) throw new ArgumentException($"{nameof(ProfiledSteps)} must be ≥ 0, got {ProfiledSteps}.");
        if ((long)Batch * Steps * Math.Max(Inputs, 4 * Units) > Array.MaxLength)
            throw new ArgumentException($"A batch of {Batch}×{Steps} steps of {Units} units does not fit in memory buffers.");
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentException($"{name} must be ≥ 1, got {value}.");
    }
}
