using System.Runtime.InteropServices;
using static RnnNative.Distributed.Native.MpiNativeMethods;

namespace RnnNative.Distributed.Native;

/// <summary>
/// The checked wrapper over <see cref="MpiNativeMethods"/>: every length, root and state is validated before a
/// pointer crosses into libmpi, and every return code other than MPI_SUCCESS becomes an <see cref="MpiException"/>
/// (MPI_COMM_WORLD is switched to MPI_ERRORS_RETURN, so failures come back as codes instead of aborting).
/// All calls are on MPI_COMM_WORLD.
/// </summary>
internal static unsafe class Mpi
{
    private static readonly Lock Gate = new();
    private static bool _initialized;

    /// <summary>Whether <see cref="Initialize"/> has succeeded in this process (and <see cref="End"/> not yet run).</summary>
    public static bool IsInitialized => _initialized;

    /// <summary>
    /// Loads libmpi, calls MPI_Init_thread (MPI_THREAD_SERIALIZED) unless MPI is already initialised, and sets
    /// MPI_ERRORS_RETURN on MPI_COMM_WORLD. Idempotent. Without <c>mpirun</c> this is singleton mode: rank 0 of 1.
    /// </summary>
    public static (int Rank, int Size) Initialize(IReadOnlyList<string> candidates)
    {
        lock (Gate)
        {
            Load(candidates);
            int finalized, initialized;
            Check(MPI_Finalized(&finalized), nameof(MPI_Finalized));
            if (finalized != 0) throw new InvalidOperationException("MPI was already finalized in this process; it cannot be initialized again.");
            Check(MPI_Initialized(&initialized), nameof(MPI_Initialized));
            if (initialized == 0)
            {
                int provided;
                Check(MPI_Init_thread(null, null, MPI_THREAD_SERIALIZED, &provided), nameof(MPI_Init_thread));
            }
            Check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), nameof(MPI_Comm_set_errhandler));
            int rank, size;
            Check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), nameof(MPI_Comm_rank));
            Check(MPI_Comm_size(MPI_COMM_WORLD, &size), nameof(MPI_Comm_size));
            _initialized = true;
            return (rank, size);
        }
    }

    /// <summary>receive[i] = Σ over ranks of send[i]; <paramref name="send"/> and <paramref name="receive"/> have equal lengths.</summary>
    public static void AllReduceSum(ReadOnlySpan<float> send, Span<float> receive) =>
        AllReduce(MemoryMarshal.AsBytes(send), MemoryMarshal.AsBytes(receive), send.Length, receive.Length, MPI_FLOAT, inPlace: false);

    /// <summary>data[i] ← Σ over ranks of data[i] (MPI_IN_PLACE).</summary>
    public static void AllReduceSum(Span<float> data) =>
        AllReduce(default, MemoryMarshal.AsBytes(data), data.Length, data.Length, MPI_FLOAT, inPlace: true);

    /// <summary>data[i] ← Σ over ranks of data[i] (MPI_IN_PLACE).</summary>
    public static void AllReduceSum(Span<double> data) =>
        AllReduce(default, MemoryMarshal.AsBytes(data), data.Length, data.Length, MPI_DOUBLE, inPlace: true);

    private static void AllReduce(ReadOnlySpan<byte> send, Span<byte> receive, int sendCount, int receiveCount, nint type, bool inPlace)
    {
        if (sendCount != receiveCount)
            throw new ArgumentException($"All-reduce: the send buffer has {sendCount} elements but the receive buffer {receiveCount}.");
        if (!inPlace && send.Overlaps(receive))
            throw new ArgumentException("All-reduce: send and receive buffers overlap; use the in-place overload.");
        CheckInitialized();
        if (receiveCount == 0) return;
        fixed (byte* s = send)
        fixed (byte* r = receive)
        {
            void* sendPointer = inPlace ? (void*)MPI_IN_PLACE : s;
            Check(MPI_Allreduce(sendPointer, r, receiveCount, type, MPI_SUM, MPI_COMM_WORLD), nameof(MPI_Allreduce));
        }
    }

    /// <summary>Copies <paramref name="root"/>'s <paramref name="data"/> into every rank's <paramref name="data"/>.</summary>
    public static void Broadcast(Span<float> data, int root, int size)
    {
        if ((uint)root >= (uint)size)
            throw new ArgumentOutOfRangeException(nameof(root), root, $"Broadcast root must be a rank in [0, {size}).");
        CheckInitialized();
        if (data.IsEmpty) return;
        fixed (float* d = data)
            Check(MPI_Bcast(d, data.Length, MPI_FLOAT, root, MPI_COMM_WORLD), nameof(MPI_Bcast));
    }

    public static void Barrier()
    {
        CheckInitialized();
        Check(MPI_Barrier(MPI_COMM_WORLD), nameof(MPI_Barrier));
    }

    /// <summary>Asks the launcher to terminate every rank with <paramref name="code"/> (does not return on success).</summary>
    public static void Abort(int code)
    {
        CheckInitialized();
        Check(MPI_Abort(MPI_COMM_WORLD, code), nameof(MPI_Abort));
    }

    /// <summary>
    /// Ends MPI once, if initialised here: MPI_Finalize when <paramref name="exitCode"/> is 0, else nothing. Finalising
    /// one failed rank would hang the job (MPI_Finalize waits for ranks that wait in a collective for it); exiting
    /// non-zero without it makes mpirun stop every rank and name the one that failed.
    /// </summary>
    public static void End(int exitCode)
    {
        lock (Gate)
        {
            if (!_initialized) return;
            _initialized = false;
            int finalized;
            if (MPI_Finalized(&finalized) != MPI_SUCCESS || finalized != 0) return;
            if (exitCode == 0) Check(MPI_Finalize(), nameof(MPI_Finalize));
        }
    }

    private static void CheckInitialized()
    {
        if (!_initialized)
            throw new InvalidOperationException("MPI is not initialized in this process: call MpiCommunicator.Initialize() first.");
    }

    private static void Check(int code, string call)
    {
        if (code != MPI_SUCCESS) throw new MpiException(call, code, ErrorString(code));
    }

    private static string ErrorString(int code)
    {
        if (MPI_Error_string == null) return "";
        byte* text = stackalloc byte[MPI_MAX_ERROR_STRING];
        int length = 0;
        return MPI_Error_string(code, text, &length) == MPI_SUCCESS ? Marshal.PtrToStringUTF8((nint)text, length) : "";
    }
}
