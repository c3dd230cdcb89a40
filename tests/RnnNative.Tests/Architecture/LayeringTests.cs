using System.Runtime.CompilerServices;
using Mono.Cecil;
using RnnNative.Tests.Data;

namespace RnnNative.Tests.Architecture;

/// <summary>
/// docs/architecture.md, enforced: every type of the RnnNative assembly belongs to the layer of the folder
/// that declares it, no type references a layer it may not use, and pointers appear only in the BLAS layer,
/// the MPI binding folder and the few kernel types the document names.
/// </summary>
public class LayeringTests
{
    /// <summary>Types outside the pointer layers that docs/architecture.md allows to use pointers.</summary>
    private static readonly HashSet<string> PointerKernels = [];

    /// <summary>
    /// Today's known upward references ("From -> To", top-level types), each removed by the item named. The
    /// integrator empties this list as those items are merged; a listed pair that no longer occurs fails the test.
    /// </summary>
    private static readonly HashSet<string> KnownUpwardReferences = [];

    /// <summary>Known pointer uses outside the allowed places ("Type"), each removed by the item named.</summary>
    private static readonly HashSet<string> KnownPointerUses = [];

    private static readonly string SourceRoot = Path.Combine(RepoPaths.Root, "src", "RnnNative");

    [Fact]
    public void EveryLibraryTypeBelongsToALayer()
    {
        var (_, unmapped) = LibraryLayers();
        Assert.True(unmapped.Count == 0, "Types whose source folder has no layer in docs/architecture.md:\n" + string.Join("\n", unmapped));
    }

    [Fact]
    public void NoTypeReferencesAHigherLayer()
    {
        var (layers, _) = LibraryLayers();
        using var module = ModuleDefinition.ReadModule(typeof(Tensor).Assembly.Location);
        var (references, _) = ReferenceScanner.Scan(module);
        var violations = LayerRules.Target.Violations(layers, references);
        var unexpected = violations.Where(v => !KnownUpwardReferences.Contains(Pair(v))).ToList();
        var stale = KnownUpwardReferences.Where(k => !violations.Any(v => Pair(v) == k)).ToList();
        Assert.True(unexpected.Count == 0, "References to a layer the type may not use:\n" + string.Join("\n", unexpected));
        Assert.True(stale.Count == 0, "Fixed, remove from KnownUpwardReferences:\n" + string.Join("\n", stale));
    }

    [Fact]
    public void PointersOnlyInTheBlasLayerAndTheNamedKernels()
    {
        var (layers, _) = LibraryLayers();
        using var module = ModuleDefinition.ReadModule(typeof(Tensor).Assembly.Location);
        var (_, pointers) = ReferenceScanner.Scan(module);
        var violations = LayerRules.Target.PointerViolations(layers, pointers, PointerKernels);
        var unexpected = violations.Where(v => !KnownPointerUses.Contains(TypeOf(v))).ToList();
        var stale = KnownPointerUses.Where(k => !violations.Any(v => TypeOf(v) == k)).ToList();
        Assert.True(unexpected.Count == 0, "Pointers outside the BLAS layer and the named kernels:\n" + string.Join("\n", unexpected));
        Assert.True(stale.Count == 0, "Fixed, remove from KnownPointerUses:\n" + string.Join("\n", stale));
    }

    [Fact]
    public void CheckerCatchesAnUpwardReferenceMadeOnlyInAMethodBody()
    {
        var violations = LayerRules.Target.Violations(FixtureLayers, ScanFixtures().References);

        string violation = Assert.Single(violations);
        Assert.StartsWith($"{typeof(LowFixture).FullName} (Core) -> {typeof(HighFixture).FullName} (Graph) via", violation);
        Assert.Contains("newobj", violation);
    }

    [Fact]
    public void CheckerCatchesAPointerOutsideTheAllowedLayersButNotASafeStackalloc()
    {
        var violations = LayerRules.Target.PointerViolations(FixtureLayers, ScanFixtures().Pointers, new HashSet<string>());

        Assert.NotEmpty(violations);
        Assert.All(violations, v => Assert.StartsWith($"{typeof(PointerFixture).FullName} (Ops):", v));
        Assert.Empty(LayerRules.Target.PointerViolations(FixtureLayers, ScanFixtures().Pointers,
            new HashSet<string> { typeof(PointerFixture).FullName! }));
    }

    [Fact]
    public void SourceMapReadsTopLevelDeclarationsWithTheirArity()
    {
        const string source = """
            namespace RnnNative.Sample;

            /// <summary>class NotADeclaration</summary>
            public sealed partial class Plain : IDisposable
            {
                private sealed class Nested { }
            }
            internal readonly record struct Pair<TA, TB>(TA A, TB B);
            public enum Kind : byte { A }
            internal delegate void Callback(int x);
            """;

        Assert.Equal(["RnnNative.Sample.Plain", "RnnNative.Sample.Pair`2", "RnnNative.Sample.Kind", "RnnNative.Sample.Callback"],
            SourceTypeMap.TypesDeclaredIn(source));
    }

    [Fact]
    public void EveryFolderOfTheLibraryHasALayer()
    {
        var folders = Directory.EnumerateDirectories(SourceRoot, "*", SearchOption.AllDirectories)
            .Select(d => Path.GetRelativePath(SourceRoot, d).Replace('\\', '/'))
            .Where(d => !d.StartsWith("obj", StringComparison.Ordinal) && !d.StartsWith("bin", StringComparison.Ordinal))
            .Where(d => Directory.EnumerateFiles(Path.Combine(SourceRoot, d), "*.cs").Any());
        Assert.All(folders, f => Assert.True(LayerRules.Target.LayerOfFolder(f) is not null, $"{f} has no layer"));
    }

    // "From (layer) -> To (layer) via ..." → "From -> To".
    private static string Pair(string violation)
    {
        var parts = violation.Split(" via ")[0].Split(" -> ");
        return $"{parts[0].Split(' ')[0]} -> {parts[1].Split(' ')[0]}";
    }

    private static string TypeOf(string violation) => violation.Split(' ')[0];

    // Layer of every top-level library type declared in src/RnnNative; the types with no layer or no source.
    private static (Dictionary<string, string> Layers, List<string> Unmapped) LibraryLayers()
    {
        var folders = SourceTypeMap.Folders(SourceRoot);
        var layers = new Dictionary<string, string>(StringComparer.Ordinal);
        var unmapped = new List<string>();
        using var module = ModuleDefinition.ReadModule(typeof(Tensor).Assembly.Location);
        foreach (var type in module.Types.Where(t => !IsCompilerMade(t)))
        {
            var layer = folders.TryGetValue(type.FullName, out var folder) ? LayerRules.Target.LayerOfFolder(folder) : null;
            if (layer is null)
                unmapped.Add($"{type.FullName} (folder: {folder ?? "no source declaration found"})");
            else
                layers[type.FullName] = layer.Name;
        }
        return (layers, unmapped);
    }

    // <Module>, <PrivateImplementationDetails>, embedded attributes and other types the compiler adds.
    private static bool IsCompilerMade(TypeDefinition type) =>
        type.Name.StartsWith('<') || !type.Namespace.StartsWith("RnnNative", StringComparison.Ordinal)
        || type.CustomAttributes.Any(a => a.AttributeType.FullName == typeof(CompilerGeneratedAttribute).FullName);

    private static readonly Dictionary<string, string> FixtureLayers = new()
    {
        [typeof(LowFixture).FullName!] = "Core",
        [typeof(HighFixture).FullName!] = "Graph",
        [typeof(PointerFixture).FullName!] = "Ops",
        [typeof(StackallocFixture).FullName!] = "Data",
    };

    private static (List<TypeReferenceUse> References, List<PointerUse> Pointers) ScanFixtures()
    {
        using var module = ModuleDefinition.ReadModule(typeof(LayeringTests).Assembly.Location);
        return ReferenceScanner.Scan(module, t => FixtureLayers.ContainsKey(t.FullName));
    }
}

// A hand-made violation: "Core" names "Graph" only inside a method body; "Graph" naming "Core" is allowed.
internal sealed class LowFixture
{
    public static string Describe() => new HighFixture().ToString()!;
}

internal sealed class HighFixture
{
    public LowFixture? Low { get; set; }
}

internal static unsafe class PointerFixture
{
    public static int Read(int* p) => *p;
}

internal static class StackallocFixture
{
    public static int Sum(int n)
    {
        Span<int> values = stackalloc int[n];
        values.Fill(1);
        int sum = 0;
        foreach (int v in values) sum += v;
        return sum;
    }
}
