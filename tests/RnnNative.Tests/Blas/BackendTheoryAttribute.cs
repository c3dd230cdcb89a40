using RnnNative.Blas;

namespace RnnNative.Tests.Blas;

/// <summary>
/// A theory that runs on one BLAS backend. When the backend's native library is missing it is skipped with
/// the loader's reason, except under <c>CI=true</c>, where it runs (and fails with that reason).
/// </summary>
public sealed class BackendTheoryAttribute : TheoryAttribute
{
    public BackendTheoryAttribute(BlasKind kind) => Skip = BackendAvailability.SkipReason(kind);
}

/// <summary>A fact that runs on one BLAS backend; skipped like <see cref="BackendTheoryAttribute"/>.</summary>
public sealed class BackendFactAttribute : FactAttribute
{
    public BackendFactAttribute(BlasKind kind) => Skip = BackendAvailability.SkipReason(kind);
}

/// <summary>
/// A theory over pairs of backends: skipped, saying why, when fewer than two load here (outside CI), instead of
/// failing with "No data found".
/// </summary>
public sealed class BackendPairTheoryAttribute : TheoryAttribute
{
    public BackendPairTheoryAttribute()
    {
        var missing = Enum.GetValues<BlasKind>().Select(BackendAvailability.SkipReason).OfType<string>().ToList();
        if (BackendAvailability.TestableKinds.Count() < 2) Skip = "fewer than two backends load here: " + string.Join("; ", missing);
    }
}

internal static class BackendAvailability
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Backends that tests parametrised by kind run on: all under CI, else those whose library loads
    /// (the per-backend reference theories report the missing ones as skipped, with the reason).
    /// </summary>
    public static IEnumerable<BlasKind> TestableKinds => Enum.GetValues<BlasKind>().Where(k => SkipReason(k) == null);

    public static string? SkipReason(BlasKind kind)
    {
        if (IsCi || BlasBackend.IsAvailable(kind, out string reason)) return null;
        return $"{kind} library not found (run `{BlasLibraryNotFoundException.FixCommand}`): {reason}";
    }
}

/// <summary>BLAS tests run one class at a time: native thread pools would otherwise fight over the 2 cores.</summary>
[CollectionDefinition(Name)]
public sealed class BlasCollection
{
    public const string Name = "BLAS";
}
