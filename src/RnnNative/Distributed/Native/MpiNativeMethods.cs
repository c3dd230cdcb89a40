using System.Runtime.InteropServices;
using RnnNative.Blas.Native;

namespace RnnNative.Distributed.Native;

/// <summary>
/// Open MPI entry points, resolved once per process from <c>libmpi.so.40</c> (Debian's <c>libopenmpi3</c>, 4.1.x).
/// Field names are the C names verbatim; handles (MPI_Comm, MPI_Datatype, MPI_Op, MPI_Errhandler) are pointers
/// in Open MPI, so they are <c>nint</c>: the address of the exported predefined object, e.g. MPI_COMM_WORLD is
/// <c>&amp;ompi_mpi_comm_world</c>.
/// </summary>
/// <remarks>
/// The library is opened with RTLD_GLOBAL: Open MPI dlopens its MCA components (mca_pml_ob1.so, ...), and some of
/// them have no DT_NEEDED entry for libmpi, so they resolve its symbols from the global scope only.
/// </remarks>
internal static unsafe partial class MpiNativeMethods
{
    /// <summary>Where libmpi is looked for, in order: the system loader's search, then Debian's paths.</summary>
    public static readonly string[] DefaultCandidates =
    [
        "libmpi.so.40",
        "/usr/lib/x86_64-linux-gnu/libmpi.so.40",
        "/usr/lib/x86_64-linux-gnu/openmpi/lib/libmpi.so.40",
        "/usr/lib/aarch64-linux-gnu/libmpi.so.40",
    ];

    public const int MPI_SUCCESS = 0;
    public const int MPI_THREAD_SERIALIZED = 2;
    public const int MPI_MAX_ERROR_STRING = 256;
    public static readonly nint MPI_IN_PLACE = 1;

    // int MPI_Init_thread(int *argc, char ***argv, int required, int *provided)
    public static delegate* unmanaged<int*, byte***, int, int*, int> MPI_Init_thread;
    public static delegate* unmanaged<int*, int> MPI_Initialized;
    public static delegate* unmanaged<int*, int> MPI_Finalized;
    public static delegate* unmanaged<int> MPI_Finalize;
    public static delegate* unmanaged<nint, int*, int> MPI_Comm_rank;
    public static delegate* unmanaged<nint, int*, int> MPI_Comm_size;
    // int MPI_Allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype, MPI_Op, MPI_Comm)
    public static delegate* unmanaged<void*, void*, int, nint, nint, nint, int> MPI_Allreduce;
    // int MPI_Bcast(void *buffer, int count, MPI_Datatype, int root, MPI_Comm)
    public static delegate* unmanaged<void*, int, nint, int, nint, int> MPI_Bcast;
    public static delegate* unmanaged<nint, int> MPI_Barrier;
    public static delegate* unmanaged<nint, int, int> MPI_Abort;
    public static delegate* unmanaged<nint, nint, int> MPI_Comm_set_errhandler;
    // int MPI_Error_string(int errorcode, char *string, int *resultlen)
    public static delegate* unmanaged<int, byte*, int*, int> MPI_Error_string;

    public static nint MPI_COMM_WORLD, MPI_FLOAT, MPI_DOUBLE, MPI_SUM, MPI_ERRORS_RETURN;

    private static readonly Lock Gate = new();
    private static string? _path;

    /// <summary>The file libmpi was loaded from, or null before <see cref="Load"/>.</summary>
    public static string? LoadedPath => _path;

    /// <summary>Loads libmpi (once per process) from the first candidate that opens, and resolves everything above.</summary>
    /// <exception cref="MpiLibraryNotFoundException">No candidate loaded; lists each with dlopen's reason.</exception>
    public static string Load(IReadOnlyList<string> candidates)
    {
        lock (Gate)
        {
            if (_path != null) return _path;
            var (handle, path) = Open(candidates);
            Resolve(handle);
            return _path = path;
        }
    }

    /// <summary>dlopens (RTLD_NOW | RTLD_GLOBAL) the first candidate that is Open MPI's libmpi; returns its handle and file.</summary>
    /// <exception cref="MpiLibraryNotFoundException">No candidate loaded; lists each with dlopen's reason.</exception>
    public static (nint Handle, string Path) Open(IReadOnlyList<string> candidates)
    {
        var attempts = new List<string>();
        foreach (string candidate in candidates)
        {
            nint handle = Dl.TryOpen(candidate, global: true, out string error);
            if (handle == 0) { attempts.Add($"{candidate}: {error}"); continue; }
            if (!NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out nint world))
            {
                attempts.Add($"{candidate}: loaded, but it is not Open MPI (no ompi_mpi_comm_world export)");
                continue;
            }
            return (handle, Dl.FileOf(world) ?? candidate);
        }
        throw new MpiLibraryNotFoundException("libmpi.so.40", attempts);
    }

    private static void Resolve(nint lib)
    {
        MPI_Init_thread = (delegate* unmanaged<int*, byte***, int, int*, int>)NativeLibrary.GetExport(lib, nameof(MPI_Init_thread));
        MPI_Initialized = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(lib, nameof(MPI_Initialized));
        MPI_Finalized = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(lib, nameof(MPI_Finalized));
        MPI_Finalize = (delegate* unmanaged<int>)NativeLibrary.GetExport(lib, nameof(MPI_Finalize));
        MPI_Comm_rank = (delegate* unmanaged<nint, int*, int>)NativeLibrary.GetExport(lib, nameof(MPI_Comm_rank));
        MPI_Comm_size = (delegate* unmanaged<nint, int*, int>)NativeLibrary.GetExport(lib, nameof(MPI_Comm_size));
        MPI_Allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)NativeLibrary.GetExport(lib, nameof(MPI_Allreduce));
        MPI_Bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)NativeLibrary.GetExport(lib, nameof(MPI_Bcast));
        MPI_Barrier = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, nameof(MPI_Barrier));
        MPI_Abort = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(lib, nameof(MPI_Abort));
        MPI_Comm_set_errhandler = (delegate* unmanaged<nint, nint, int>)NativeLibrary.GetExport(lib, nameof(MPI_Comm_set_errhandler));
        MPI_Error_string = (delegate* unmanaged<int, byte*, int*, int>)NativeLibrary.GetExport(lib, nameof(MPI_Error_string));
        MPI_COMM_WORLD = NativeLibrary.GetExport(lib, "ompi_mpi_comm_world");
        MPI_FLOAT = NativeLibrary.GetExport(lib, "ompi_mpi_float");
        MPI_DOUBLE = NativeLibrary.GetExport(lib, "ompi_mpi_double");
        MPI_SUM = NativeLibrary.GetExport(lib, "ompi_mpi_op_sum");
        MPI_ERRORS_RETURN = NativeLibrary.GetExport(lib, "ompi_mpi_errors_return");
    }
}
