using System.Globalization;
using RnnNative.Distributed;
using RnnNative.Training;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>
/// <c>rnn train</c> under <c>mpirun -n N</c>: every rank trains on its slice of each batch; only rank 0 prints and
/// writes the run folder. A rank that fails exits non-zero (without finalising MPI), which makes mpirun stop the job.
/// </summary>
internal static class TrainRanks
{
    /// <summary>The ranks of this run (one process without mpirun); checks that --batch splits evenly across them.</summary>
    /// <exception cref="UsageException">The global batch is not a multiple of the number of ranks.</exception>
    public static ICommunicator Join(int batch)
    {
        var ranks = Communicator.Create();
        if (batch % ranks.Size != 0)
            throw new UsageException($"--batch {batch} is the global batch over {ranks.Size} ranks and must be divisible by {ranks.Size} "
                + $"(each rank trains on batch/{ranks.Size} examples per step); try --batch {(batch / ranks.Size + 1) * ranks.Size}.");
        return ranks;
    }

    /// <summary>The communicator the trainer uses: the MPI world when launched by mpirun (even of one rank), else none.</summary>
    public static ICommunicator? ForTrainer(ICommunicator ranks) => ranks is MpiCommunicator ? ranks : null;

    /// <summary>
    /// A rank other than 0: trains in step with the others, prints and writes nothing; exits as rank 0 does: 130 when
    /// a stop request (on any rank) ended the run before its <paramref name="epochs"/>, else 0.
    /// </summary>
    public static int Follow(Trainer trainer, int epochs, Func<IReadOnlyList<EpochMetrics>> fit)
    {
        trainer.Progress = null;
        var history = fit();
        if (history.Count == 0 || !history[^1].Completed) return 130;
        return history[^1].Epoch < epochs && trainer.Loop.StoppedByRequest ? 130 : 0;
    }

    /// <summary>
    /// Waits until every rank is done, then gives back <paramref name="exitCode"/>: mpirun stops the whole job as soon
    /// as one rank exits non-zero (130 after a stop), which must not cut rank 0's checkpoint writes and report short.
    /// </summary>
    public static int Finish(ICommunicator ranks, int exitCode)
    {
        ranks.Barrier();
        return exitCode;
    }

    /// <summary>"training: 1,234 samples/s over 80 steps; all-reduce 0.40 ms per step, 3.1% of the step time".</summary>
    public static void WriteSummary(IAnsiConsole console, Trainer trainer, ICommunicator ranks)
    {
        var loop = trainer.Loop;
        double seconds = loop.TrainingTime.TotalSeconds;
        long steps = loop.State.Step;
        if (steps == 0 || seconds <= 0) return;
        var averager = trainer.GradientAverager;
        string reduce = averager is null || averager.Calls == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
            $"; all-reduce {1e3 * averager.Elapsed.TotalSeconds / averager.Calls:F2} ms per step, {100 * averager.Elapsed.TotalSeconds / seconds:F1}% of the step time");
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training: {loop.ItemsTrained / seconds:N0} samples/s on {ranks.Size} rank{(ranks.Size == 1 ? "" : "s")} over {steps} steps{reduce}"));
    }
}
