namespace RnnNative.Distributed;

/// <summary>One process, no MPI: rank 0 of 1, reductions and broadcasts leave the data as it is.</summary>
public sealed class SingleProcessCommunicator : ICommunicator
{
    /// <summary>The one instance (it has no state).</summary>
    public static SingleProcessCommunicator Instance { get; } = new();

    private SingleProcessCommunicator() { }

    public int Rank => 0;

    public int Size => 1;

    public bool IsRoot => true;

    public void AllReduceSum(Span<float> data) { }

    public void AllReduceSum(Span<double> data) { }

    public void AllReduceMean(Span<float> data) { }

    public void Broadcast(Span<float> data, int root = 0) =>
        ArgumentOutOfRangeException.ThrowIfNotEqual(root, 0, nameof(root));

    public void Barrier() { }

    public void Abort(int code) => Environment.Exit(code);
}
