namespace RnnNative.Distributed;

/// <summary>Picks the communicator for this process: MPI when launched by <c>mpirun</c> (or asked for), else one process.</summary>
public static class Communicator
{
    /// <summary>Set by Open MPI's <c>mpirun</c> in every rank's environment.</summary>
    public const string WorldSizeVariable = "OMPI_COMM_WORLD_SIZE";

    /// <summary>Whether this process was started by Open MPI's <c>mpirun</c>.</summary>
    public static bool LaunchedByMpirun => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(WorldSizeVariable));

    /// <summary>
    /// <see cref="MpiCommunicator.Initialize"/> when <paramref name="useMpi"/> is true, or when it is null and the
    /// process was launched by <c>mpirun</c>; otherwise <see cref="SingleProcessCommunicator.Instance"/> (libmpi is
    /// then never loaded, so the library works where Open MPI is not installed).
    /// </summary>
    public static ICommunicator Create(bool? useMpi = null) =>
        useMpi ?? LaunchedByMpirun ? MpiCommunicator.Initialize() : SingleProcessCommunicator.Instance;
}
