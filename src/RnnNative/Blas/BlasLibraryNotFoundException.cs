namespace RnnNative.Blas;

/// <summary>
/// A native BLAS library could not be loaded. The message lists every path that was tried, why each failed,
/// and the command that fetches the libraries.
/// </summary>
public sealed class BlasLibraryNotFoundException : DllNotFoundException
{
    /// <summary>The command that fills <c>native/lib</c> with OpenBLAS and MKL.</summary>
    public const string FixCommand = "dotnet tool restore && dotnet pwsh build.ps1 deps";

    /// <summary>Creates the exception for <paramref name="library"/> after the given attempts.</summary>
    public BlasLibraryNotFoundException(string library, IReadOnlyList<string> attempts)
        : base(BuildMessage(library, attempts))
    {
        Library = library;
        Attempts = attempts;
    }

    /// <summary>The library that was looked for, e.g. <c>libopenblas.so.0</c>.</summary>
    public string Library { get; }

    /// <summary>One line per path tried: the path and why it did not load.</summary>
    public IReadOnlyList<string> Attempts { get; }

    private static string BuildMessage(string library, IReadOnlyList<string> attempts) =>
        $"Could not load {library}. Tried, in order:{Environment.NewLine}"
        + string.Concat(attempts.Select(a => $"  - {a}{Environment.NewLine}"))
        + $"Fix: run `{FixCommand}` in the RnnNative repository (fills native/lib), "
        + $"or set {BlasEnvironment.NativeDirVariable} to a folder holding the libraries, "
        + "or reference the RnnNative.Runtime.OpenBlas / RnnNative.Runtime.Mkl package.";
}
