using System.Globalization;
using RnnNative.Training;

namespace RnnNative.Cli;

/// <summary>
/// A deterministic Ctrl+C for tests of real <c>mpirun</c> jobs, where a signal reaches the ranks at steps that depend
/// on timing: with <c>RNN_STOP_FOR_TESTS=R:K</c> in the environment, rank R (alone) requests a stop right after its
/// step K, as if only it had got Ctrl+C. The other ranks learn it from the next step's all-reduce, and every rank stops
/// after step K + 1. Read only by <c>rnn train</c>; without the variable nothing changes.
/// </summary>
internal static class StopHookForTests
{
    public const string Variable = "RNN_STOP_FOR_TESTS";

    /// <summary>
    /// A token source linked to <paramref name="cancellation"/> that this rank cancels after step K when the variable
    /// names it (its callback chained after <paramref name="loop"/>'s <see cref="TrainingLoop.BatchCompleted"/>), else null.
    /// </summary>
    /// <exception cref="UsageException">The variable is not <c>RANK:STEP</c>.</exception>
    public static CancellationTokenSource? Attach(TrainingLoop loop, int rank, CancellationToken cancellation)
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } value) return null;
        string[] parts = value.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out int stopRank)
            || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out long step))
            throw new UsageException($"{Variable}={value}: expected RANK:STEP, e.g. 1:4.");
        if (stopRank != rank) return null;
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var before = loop.BatchCompleted;
        loop.BatchCompleted = p =>
        {
            before?.Invoke(p);
            if (p.Step == step) source.Cancel();
        };
        return source;
    }
}
