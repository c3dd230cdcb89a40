namespace RnnNative.Tests.Architecture;

/// <summary>One layer of the library: the folders of src/RnnNative it owns and the layers it may use.</summary>
internal sealed record Layer(string Name, string[] Folders, string[] Uses, bool MayUsePointers = false);

/// <summary>
/// The target layering of src/RnnNative (docs/architecture.md), bottom to top, and the check that no type
/// references a layer it may not use.
/// </summary>
internal sealed class LayerRules
{
    /// <summary>docs/architecture.md's table: folder → layer, and what each layer may use.</summary>
    public static readonly LayerRules Target = new(BuildTarget());

    private readonly Dictionary<string, Layer> _byName;

    public LayerRules(IReadOnlyList<Layer> layers)
    {
        Layers = layers;
        _byName = layers.ToDictionary(l => l.Name);
        foreach (var layer in layers)
            foreach (string used in layer.Uses)
                if (!_byName.ContainsKey(used))
                    throw new ArgumentException($"Layer {layer.Name} uses unknown layer {used}.");
    }

    /// <summary>Bottom to top.</summary>
    public IReadOnlyList<Layer> Layers { get; }

    public Layer this[string name] => _byName[name];

    /// <summary>The layer owning a folder relative to src/RnnNative ("Rnn/Kernels", "Blas/Native"), by longest prefix.</summary>
    public Layer? LayerOfFolder(string folder)
    {
        folder = folder.Replace('\\', '/').Trim('/');
        Layer? best = null;
        int bestLength = -1;
        foreach (var layer in Layers)
            foreach (string f in layer.Folders)
                if ((folder == f || folder.StartsWith(f + "/", StringComparison.Ordinal)) && f.Length > bestLength)
                    (best, bestLength) = (layer, f.Length);
        return best;
    }

    /// <summary>Whether a type of layer <paramref name="from"/> may reference one of layer <paramref name="to"/>.</summary>
    public bool MayUse(string from, string to) => from == to || _byName[from].Uses.Contains(to);

    /// <summary>
    /// Every reference between two mapped types whose layers may not use each other, as
    /// "From (layer) -> To (layer) via what", sorted. Types missing from <paramref name="layerOfType"/> are ignored.
    /// </summary>
    public List<string> Violations(IReadOnlyDictionary<string, string> layerOfType, IEnumerable<TypeReferenceUse> uses)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var use in uses)
        {
            if (!layerOfType.TryGetValue(use.From, out var from) || !layerOfType.TryGetValue(use.To, out var to))
                continue;
            if (!MayUse(from, to))
                found.Add($"{use.From} ({from}) -> {use.To} ({to}) via {use.Via}");
        }
        return [.. found];
    }

    /// <summary>
    /// Every pointer use in a type whose layer may not use pointers and that is not one of the
    /// <paramref name="allowedTypes"/>, as "Type (layer): what", sorted.
    /// </summary>
    public List<string> PointerViolations(IReadOnlyDictionary<string, string> layerOfType, IEnumerable<PointerUse> uses,
        IReadOnlySet<string> allowedTypes)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var use in uses)
            if (layerOfType.TryGetValue(use.Type, out var layer) && !_byName[layer].MayUsePointers
                && !allowedTypes.Contains(use.Type))
                found.Add($"{use.Type} ({layer}): {use.Via}");
        return [.. found];
    }

    // Bottom to top: each layer of the chain may use every layer below it, except Data (Core only) and the RNN
    // kernels (Core and Blas only). Onnx sits beside Training: it uses Models and below. Distributed (the MPI
    // collectives and the gradient reducer) sits below Training, which drives data-parallel runs with it; it uses
    // Optimizers and below.
    private static Layer[] BuildTarget()
    {
        (string Name, string[] Folders)[] chain =
        [
            ("Core", ["Core"]), ("Blas", ["Blas"]), ("Data", ["Data"]), ("Graph", ["Graph"]), ("Ops", ["Ops"]),
            ("Rnn.Kernels", ["Rnn/Kernels"]), ("Rnn", ["Rnn"]), ("Optimizers", ["Optimizers"]), ("Layers", ["Layers"]),
            ("Models", ["Models"]), ("Training", ["Training"]),
        ];
        var layers = new List<Layer>();
        for (int i = 0; i < chain.Length; i++)
        {
            var (name, folders) = chain[i];
            string[] uses = name switch
            {
                "Data" => ["Core"],
                "Rnn.Kernels" => ["Core", "Blas"],
                "Training" => [.. chain[..i].Select(c => c.Name), "Distributed"],
                _ => [.. chain[..i].Select(c => c.Name)],
            };
            layers.Add(new Layer(name, folders, uses, MayUsePointers: name == "Blas"));
        }
        string[] belowTraining = [.. chain[..^1].Select(c => c.Name)];
        layers.Add(new Layer("Distributed.Native", ["Distributed/Native"], ["Core", "Blas"], MayUsePointers: true));
        layers.Add(new Layer("Onnx", ["Onnx"], belowTraining));
        string[] upToOptimizers = [.. chain.TakeWhile(c => c.Name != "Layers").Select(c => c.Name)];
        layers.Add(new Layer("Distributed", ["Distributed"], [.. upToOptimizers, "Distributed.Native"]));
        return [.. layers];
    }
}
