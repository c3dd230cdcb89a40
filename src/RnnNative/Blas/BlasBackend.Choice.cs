namespace RnnNative.Blas;

// The one place that names the backends and picks the default one: the session, the command line and the
// environment variable all go through these.
public abstract partial class BlasBackend
{
    /// <summary>The backend names (lower case), in order of preference: openblas, mkl, managed.</summary>
    public static IReadOnlyDictionary<string, BlasKind> Names { get; } = new Dictionary<string, BlasKind>
    {
        ["openblas"] = BlasKind.OpenBlas,
        ["mkl"] = BlasKind.Mkl,
        ["managed"] = BlasKind.Managed,
    };

    /// <summary>The names <see cref="ParseKind"/> accepts.</summary>
    public const string ValidNames = "openblas, mkl, managed";

    /// <summary>The name of a backend kind (a key of <see cref="Names"/>).</summary>
    public static string NameOf(BlasKind kind)
    {
        foreach (var (name, value) in Names)
            if (value == kind) return name;
        throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Unknown BLAS backend. Valid: {ValidNames}.");
    }

    /// <summary>Parses a name of <see cref="Names"/> (case-insensitive, surrounding blanks ignored).</summary>
    public static bool TryParseKind(string? name, out BlasKind kind)
    {
        kind = default;
        return name is not null && Names.TryGetValue(name.Trim().ToLowerInvariant(), out kind);
    }

    /// <summary>Parses "openblas", "mkl" or "managed" (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Any other name; the message lists the valid names.</exception>
    public static BlasKind ParseKind(string name) => TryParseKind(name, out var kind)
        ? kind
        : throw new ArgumentException($"Unknown BLAS backend '{name}'. Valid names: {ValidNames}.", nameof(name));

    /// <summary>
    /// The default backend: the one <c>RNNNATIVE_BLAS</c> names when it is set; otherwise the fastest by rule on this
    /// CPU among those that load (<see cref="FastestBackend"/>: MKL where it runs AVX2 or AVX-512 kernels, else
    /// OpenBLAS, else the managed GEMM).
    /// </summary>
    /// <exception cref="ArgumentException">The variable names no backend; the message lists the valid names.</exception>
    public static BlasBackend FromEnvironment(int threads = 1) =>
        FromEnvironmentValue(BlasEnvironment.Get(BlasEnvironment.BackendVariable), threads);

    // FromEnvironment with the variable's value given (null: unset).
    internal static BlasBackend FromEnvironmentValue(string? name, int threads) =>
        Create(name is null ? PreferredAvailableKind() : ParseKind(name), threads);

    /// <summary>Whether <paramref name="kind"/> is the managed GEMM that <see cref="FromEnvironment"/> falls back to
    /// because no native library loads here.</summary>
    public static bool IsDefaultFallback(BlasKind kind) =>
        kind == BlasKind.Managed && !IsAvailable(BlasKind.OpenBlas, out _) && !IsAvailable(BlasKind.Mkl, out _);

    // The default: the fastest backend by rule on this CPU among those that load (see FastestBackend).
    private static BlasKind PreferredAvailableKind() => FastestBackend.OnThisMachine();
}
