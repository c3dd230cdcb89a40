using System.Text.RegularExpressions;

namespace RnnNative.Tests.Architecture;

/// <summary>
/// Which folder of src/RnnNative declares each top-level type, read from the sources: the root namespace
/// <c>RnnNative</c> is shared by several folders (Graph, Ops, Rnn, Optimizers, Layers...), so a type's layer is
/// its folder, not its namespace.
/// </summary>
internal static partial class SourceTypeMap
{
    // A top-level declaration: files use file-scoped namespaces, so top-level types start at column 0.
    [GeneratedRegex(@"^(?:(?:public|internal|file|static|sealed|abstract|partial|readonly|ref|unsafe|new)\s+)*" +
                    @"(?:record\s+(?:class|struct)|record|class|struct|interface|enum|delegate\s+[\w<>\[\],.?*\s]+?)\s+" +
                    @"(?<name>\w+)\s*(?<generic><[^>]*>)?", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"^namespace\s+(?<ns>[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileScopedNamespace();

    /// <summary>
    /// Metadata name (namespace.Name`arity) → folder relative to <paramref name="sourceRoot"/> ("Rnn/Kernels").
    /// Throws when one type is declared in two folders (a partial type split across layers).
    /// </summary>
    public static Dictionary<string, string> Folders(string sourceRoot)
    {
        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(sourceRoot, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(sourceRoot, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal))
                continue;
            string folder = Path.GetDirectoryName(relative)!.Replace('\\', '/');
            foreach (string type in TypesDeclaredIn(File.ReadAllText(file)))
            {
                if (folders.TryGetValue(type, out var other) && other != folder)
                    throw new InvalidOperationException($"{type} is declared in {other} and in {folder}: one type, one layer.");
                folders[type] = folder;
            }
        }
        return folders;
    }

    /// <summary>The metadata names of the top-level types a C# file declares.</summary>
    public static IEnumerable<string> TypesDeclaredIn(string source)
    {
        var ns = FileScopedNamespace().Match(source);
        string prefix = ns.Success ? ns.Groups["ns"].Value + "." : "";
        foreach (Match m in TypeDeclaration().Matches(source))
        {
            string name = m.Groups["name"].Value;
            var generic = m.Groups["generic"];
            yield return prefix + name + (generic.Success ? "`" + (generic.Value.Count(c => c == ',') + 1) : "");
        }
    }
}
