using System.Text.Json;

namespace RnnNative.Benchmarking;

/// <summary>
/// What <see cref="RankBenchmark"/> measured for one number of ranks (one JSON object, snake_case). Times are
/// medians over the timed steps of each rank, averaged over the ranks unless the name says otherwise.
/// </summary>
/// <remarks>
/// step = compute + all-reduce, where the all-reduce (<see cref="AllReduceMs"/>) includes waiting for the slowest
/// rank. A separate phase of as many steps enters a barrier before each all-reduce: <see cref="WaitMs"/> is the
/// barrier (waiting for the slowest rank), <see cref="TransferMs"/> the all-reduce after it (moving and summing the
/// slab when every rank is there).
/// </remarks>
public sealed record RankBenchmarkResult
{
    /// <summary>N, the ranks of the job.</summary>
    public required int Ranks { get; init; }
    /// <summary>BLAS threads per rank.</summary>
    public required int ThreadsPerRank { get; init; }
    /// <summary>"managed", "openblas" or "mkl".</summary>
    public required string Backend { get; init; }
    /// <summary>The backend's kernel path.</summary>
    public required string Kernel { get; init; }
    /// <summary>"fp32" or "bf16".</summary>
    public required string Precision { get; init; }
    /// <summary>"basic", "lstm" or "gru".</summary>
    public required string Cell { get; init; }
    /// <summary>B, the global batch of one step over all ranks.</summary>
    public required int Batch { get; init; }
    /// <summary>B/N, each rank's share.</summary>
    public required int LocalBatch { get; init; }
    /// <summary>H.</summary>
    public required int Units { get; init; }
    /// <summary>T.</summary>
    public required int Steps { get; init; }
    /// <summary>I.</summary>
    public required int Inputs { get; init; }
    /// <summary>Timed steps per phase.</summary>
    public required int TimedSteps { get; init; }

    /// <summary>Global batch ÷ median step time.</summary>
    public required double SamplesPerSec { get; init; }
    /// <summary>Median step time (the whole training step, all-reduce included), ms.</summary>
    public required double StepMs { get; init; }
    /// <summary>Median of step − all-reduce: the forward, backward and update on the rank's slice, ms.</summary>
    public required double ComputeMs { get; init; }
    /// <summary><see cref="ComputeMs"/> of the slowest rank.</summary>
    public required double ComputeMsSlowestRank { get; init; }
    /// <summary><see cref="ComputeMs"/> of the fastest rank.</summary>
    public required double ComputeMsFastestRank { get; init; }
    /// <summary>
    /// Median CPU time of the compute on the rank's thread, ms (null where it cannot be read): unlike
    /// <see cref="ComputeMs"/> it leaves out time the thread waited for a core, so on a shared machine it is the
    /// better measure of what the slice costs. Counts the thread that runs the graph (all of the work with one BLAS thread).
    /// </summary>
    public double? ComputeCpuMs { get; init; }
    /// <summary>Median all-reduce of the gradient slab and the loss, waiting for the slowest rank included, ms.</summary>
    public required double AllReduceMs { get; init; }
    /// <summary><see cref="AllReduceMs"/> ÷ <see cref="StepMs"/> × 100.</summary>
    public required double AllReducePercent { get; init; }
    /// <summary>Barrier phase: median wait for the slowest rank before the all-reduce, ms.</summary>
    public required double WaitMs { get; init; }
    /// <summary>Barrier phase: median all-reduce once every rank has arrived, ms.</summary>
    public required double TransferMs { get; init; }
    /// <summary>Floats per all-reduce: the gradient slab (with alignment padding), the loss and the stop flag.</summary>
    public required int ReducedFloats { get; init; }
    /// <summary>FMA peak of one rank's threads while every rank runs the loop at once, mean over ranks, 10⁹ FLOP/s.</summary>
    public required double FmaGflopsPerRank { get; init; }
    /// <summary>Managed bytes allocated per timed step on rank 0 (all its threads).</summary>
    public required long AllocatedBytesPerStep { get; init; }
    /// <summary>The 1-minute load average when the job started (Linux; -1 elsewhere).</summary>
    public required double LoadAverage { get; init; }
    /// <summary>The CPU's model name.</summary>
    public string? Cpu { get; init; }
    /// <summary>CPUs a rank may run on (its affinity mask; fewer than the machine's when mpirun bound it), fewest over the ranks.</summary>
    public required int CpusPerRank { get; init; }
    /// <summary>Whether Open MPI's mpi_yield_when_idle was set for the job.</summary>
    public required bool YieldWhenIdle { get; init; }

    /// <summary>mpirun's --bind-to as asked by the launcher ("default" when not given); null when not launched by rnn bench.</summary>
    public string? BindTo { get; init; }
    /// <summary>Whether the job had more ranks than cores (--oversubscribe).</summary>
    public bool Oversubscribed { get; init; }
    /// <summary>samples/s ÷ samples/s of 1 rank in the same invocation (null when 1 rank was not run).</summary>
    public double? RatioToOneRank { get; init; }
    /// <summary>The ratio if the all-reduce took no time: <see cref="RatioToOneRank"/> × step ÷ compute.</summary>
    public double? RatioIfFreeAllReduce { get; init; }

    /// <summary>One line of JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, BenchmarkResult.JsonOptions);

    /// <summary>Parses a line written by <see cref="ToJson"/>.</summary>
    public static RankBenchmarkResult FromJson(string line) =>
        JsonSerializer.Deserialize<RankBenchmarkResult>(line, BenchmarkResult.JsonOptions)
        ?? throw new FormatException("A rank benchmark record is empty.");
}
