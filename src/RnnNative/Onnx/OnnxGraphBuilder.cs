namespace RnnNative;

/// <summary>Collects the nodes, initializers, inputs and outputs of one ONNX graph; every name it hands out is unique.</summary>
internal sealed class OnnxGraphBuilder
{
    private readonly HashSet<string> _names = [];

    public List<OnnxNode> Nodes { get; } = [];
    public List<OnnxTensor> Initializers { get; } = [];
    public List<OnnxValueInfo> Inputs { get; } = [];
    public List<OnnxValueInfo> Outputs { get; } = [];

    /// <summary>Declares a graph input and returns its name.</summary>
    public string Input(string name, OnnxElementType type, params string[] dims)
    {
        Inputs.Add(new OnnxValueInfo(Claim(name), type, dims));
        return name;
    }

    /// <summary>Declares an existing value as a graph output.</summary>
    public void Output(string name, OnnxElementType type, params string[] dims) => Outputs.Add(new OnnxValueInfo(name, type, dims));

    /// <summary>A float32 initializer of the given dims; returns its name.</summary>
    public string Floats(string name, float[] values, params long[] dims)
    {
        if (values.Length != dims.Aggregate(1L, (a, d) => a * d))
            throw new ArgumentException($"Initializer {name}: {values.Length} values for dims [{string.Join(", ", dims)}].");
        Initializers.Add(new OnnxTensor(Unique(name), dims, Floats: values));
        return Initializers[^1].Name;
    }

    /// <summary>A 1-D int64 initializer (e.g. Squeeze axes); returns its name.</summary>
    public string Int64s(string name, params long[] values)
    {
        Initializers.Add(new OnnxTensor(Unique(name), [values.Length], Int64s: values));
        return Initializers[^1].Name;
    }

    /// <summary>Adds a node whose outputs get unique names derived from <paramref name="outputs"/>; returns them.</summary>
    public string[] Node(string opType, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
    {
        var names = outputs.Select(o => o.Length == 0 ? "" : Unique(o)).ToArray();
        Nodes.Add(new OnnxNode(opType, Unique($"{opType}_{Nodes.Count}"), inputs, names, attributes));
        return names;
    }

    /// <summary>A one-output node; returns the output's name.</summary>
    public string Node(string opType, string[] inputs, string output, params OnnxAttribute[] attributes) =>
        Node(opType, inputs, [output], attributes)[0];

    /// <summary>Encodes the graph as a ModelProto.</summary>
    public byte[] Encode(long irVersion, long opset, string docString) =>
        OnnxProto.EncodeModel(irVersion, opset, "RnnNative", typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "",
            docString, "rnnnative", Nodes, Initializers, Inputs, Outputs);

    private string Unique(string name)
    {
        string candidate = name;
        for (int i = 1; !_names.Add(candidate); i++) candidate = $"{name}_{i}";
        return candidate;
    }

    private string Claim(string name) =>
        _names.Add(name) ? name : throw new ArgumentException($"The ONNX graph already has a value named '{name}'.");
}
