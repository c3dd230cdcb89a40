using System.Numerics.Tensors;
using RnnNative.Distributed.Native;

namespace RnnNative.Distributed;

/// <summary>
/// MPI_COMM_WORLD of Open MPI (libmpi.so.40), one per process. Launched by <c>mpirun -n N</c> each process is one
/// of N ranks; started without <c>mpirun</c> it is rank 0 of 1 (MPI singleton mode), which needs no launcher.
/// </summary>
/// <remarks>
/// Calls are serialised by a lock (MPI_THREAD_SERIALIZED). Errors come back as <see cref="MpiException"/>; when a
/// rank dies, <c>mpirun</c> terminates the others. MPI is finalised by <see cref="Dispose"/> or at process exit;
/// after that it cannot be initialised again in the same process.
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
            AppDomain.CurrentDomain.ProcessExit += (_, _) => _world?.Dispose();
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

    /// <summary>Finalises MPI (once); the communicator cannot be used afterwards.</summary>
    public void Dispose()
    {
        lock (Gate) Mpi.Shutdown();
    }
}
