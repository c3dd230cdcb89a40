namespace RnnNative.Distributed;

/// <summary>
/// The collective operations data-parallel training needs, over all ranks of one job. The training loop is the
/// same code with <see cref="SingleProcessCommunicator"/> (one process, no MPI) and <see cref="MpiCommunicator"/>.
/// Every rank must make the same calls in the same order with buffers of the same length.
/// </summary>
public interface ICommunicator
{
    /// <summary>This process's rank r in [0, <see cref="Size"/>).</summary>
    int Rank { get; }

    /// <summary>N, the number of ranks.</summary>
    int Size { get; }

    /// <summary>Whether this is rank 0 (the one that prints progress and writes checkpoints).</summary>
    bool IsRoot { get; }

    /// <summary>data[i] ← Σ_r data_r[i], in place, on every rank.</summary>
    void AllReduceSum(Span<float> data);

    /// <summary>data[i] ← Σ_r data_r[i], in place, on every rank (evaluation sums: losses, counts).</summary>
    void AllReduceSum(Span<double> data);

    /// <summary>data[i] ← (1/N)·Σ_r data_r[i], in place, on every rank (the gradient average).</summary>
    void AllReduceMean(Span<float> data);

    /// <summary>Every rank's <paramref name="data"/> ← rank <paramref name="root"/>'s.</summary>
    void Broadcast(Span<float> data, int root = 0);

    /// <summary>Returns once every rank has entered it.</summary>
    void Barrier();

    /// <summary>
    /// Terminates every rank of the job with exit code <paramref name="code"/> (one process: this one). Exiting with a
    /// non-zero code does the same for <see cref="MpiCommunicator"/>.
    /// </summary>
    void Abort(int code);
}
