namespace RnnNative.Distributed;

/// <summary>An MPI call returned an error code (MPI_COMM_WORLD uses MPI_ERRORS_RETURN).</summary>
public sealed class MpiException(string call, int errorCode, string errorText)
    : Exception($"{call} failed with MPI error {errorCode}{(errorText.Length > 0 ? $" ({errorText})" : "")}. "
        + "If another rank died, the job cannot continue: check that rank's output.")
{
    /// <summary>The MPI function that failed, e.g. <c>MPI_Allreduce</c>.</summary>
    public string Call { get; } = call;

    /// <summary>The MPI error code it returned.</summary>
    public int ErrorCode { get; } = errorCode;
}

/// <summary>libmpi could not be loaded: the message lists every path tried and the command that installs Open MPI.</summary>
public sealed class MpiLibraryNotFoundException : DllNotFoundException
{
    /// <summary>The command that installs Open MPI (as root; see build/Deps.ps1).</summary>
    public const string FixCommand = "dotnet tool restore && dotnet pwsh build.ps1 deps";

    /// <summary>The Debian packages it installs.</summary>
    public const string AptCommand = "apt-get install openmpi-bin libopenmpi3";

    /// <summary>Creates the exception for <paramref name="library"/> after the given attempts.</summary>
    public MpiLibraryNotFoundException(string library, IReadOnlyList<string> attempts)
        : base($"Could not load Open MPI ({library}). Tried, in order:{Environment.NewLine}"
            + string.Concat(attempts.Select(a => $"  - {a}{Environment.NewLine}"))
            + $"Fix: run `{FixCommand}` in the RnnNative repository (as root it installs Open MPI), or `{AptCommand}`; "
            + "data-parallel training needs Open MPI 4.x (libmpi.so.40) and mpirun.")
    {
        Library = library;
        Attempts = attempts;
    }

    /// <summary>The library that was looked for.</summary>
    public string Library { get; }

    /// <summary>One line per path tried: the path and why it did not load.</summary>
    public IReadOnlyList<string> Attempts { get; }
}
