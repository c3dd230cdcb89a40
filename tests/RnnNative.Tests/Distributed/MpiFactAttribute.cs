namespace RnnNative.Tests.Distributed;

/// <summary>
/// A fact that needs Open MPI's <c>mpirun</c> and libmpi. Skipped with the reason only when mpirun is absent
/// outside CI; in CI (CI=true) it always runs, since <c>build.ps1 test</c> installs Open MPI.
/// </summary>
public sealed class MpiFactAttribute : FactAttribute
{
    public MpiFactAttribute()
    {
        if (MpiProbe.Mpirun is null && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = "Open MPI's mpirun is not on PATH: run `dotnet pwsh build.ps1 deps` as root (or apt-get install openmpi-bin libopenmpi3).";
    }
}
