using System.Numerics.Tensors;
using RnnNative.Distributed.Native;

namespace RnnNative.Distributed;

/// <summary>
/// MPI_COMM_WORLD of Open MPI (libmpi.so.40), one per process. Launched by <c>mpirun -n N</c> each process is one
/// of N ranks; started without <c>mpirun</c> it is rank 0 of 1 (MPI singleton mode), which needs no launcher.
/// </summary>
/// <remarks>
/// Errors come back as <see cref="MpiException"/>; when a rank dies, <c>mpirun</c> terminates the others.
/// MPI ends at process exit: MPI_Finalize when the exit code is 0, else not at all. A rank that failed alone must
/// not finalise: MPI_Finalize would wait for ranks that are waiting in their next collective for it, and the job
/// would hang; exiting non-zero without it makes <c>mpirun</c> stop every rank with a message naming the one that failed.
/// </remarks>
public sealed class MpiCommunicator : ICommunicator
{
    private static readonly Lock Gate = new();
    private static MpiCommunicator? _world;

    private MpiCommunicator(int rank, int size, string libraryPath)
    {
        Rank = rank;
        Size = size;
        LibraryPath = libraryPath;
    }

    /// <summary>Loads libmpi, initialises MPI and returns the world communicator. Idempotent: later calls return the same object.</summary>
    /// <param name="libraryCandidates">Files or sonames to try for libmpi (default: <c>libmpi.so.40</c>, then Debian's paths).</param>
    /// <exception cref="MpiLibraryNotFoundException">libmpi did not load; the message lists every path tried and the fix.</exception>
    public static MpiCommunicator Initialize(IReadOnlyList<string>? libraryCandidates = null)
    {
        lock (Gate)
        {
            if (_world != null) return _world;
            var candidates = libraryCandidates ?? MpiNativeMethods.DefaultCandidates;
            var (rank, size) = Mpi.Initialize(candidates);
            _world = new MpiCommunicator(rank, size, MpiNativeMethods.LoadedPath!);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Mpi.End(Environment.ExitCode);
            return _world;
        }
    }

    /// <summary>The libmpi file that was loaded.</summary>
    public string LibraryPath { get; }

    public int Rank { get; }

    public int Size { get; }

    public bool IsRoot => Rank == 0;

    public void AllReduceSum(Span<float> data) => Mpi.AllReduceSum(data);

    public void AllReduceSum(Span<double> data) => Mpi.AllReduceSum(data);

    /// <summary>receive[i] = Σ_r send_r[i]; both buffers have the same length on every rank.</summary>
    public void AllReduceSum(ReadOnlySpan<float> send, Span<float> receive) => Mpi.AllReduceSum(send, receive);

    public void AllReduceMean(Span<float> data)
    {
        Mpi.AllReduceSum(data);
        if (Size > 1) TensorPrimitives.Multiply(data, 1f / Size, data);
    }

    public void Broadcast(Span<float> data, int root = 0) => Mpi.Broadcast(data, root, Size);

    public void Barrier() => Mpi.Barrier();

    public void Abort(int code) => Mpi.Abort(code);
}
