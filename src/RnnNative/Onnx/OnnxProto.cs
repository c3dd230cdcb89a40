namespace RnnNative;

/// <summary>ONNX element types used here (TensorProto.DataType).</summary>
public enum OnnxElementType
{
    /// <summary>float32 (FLOAT = 1).</summary>
    Float = 1,
    /// <summary>int32 (INT32 = 6).</summary>
    Int32 = 6,
    /// <summary>int64 (INT64 = 7).</summary>
    Int64 = 7,
}

/// <summary>A graph input or output: name, element type and shape (a symbolic name such as <c>batch</c> or a size per dimension).</summary>
public sealed record OnnxValueInfo(string Name, OnnxElementType ElementType, IReadOnlyList<string> Dims)
{
    /// <summary>e.g. <c>X float32 [batch, time, 28]</c>.</summary>
    public override string ToString() =>
        $"{Name} {ElementType.ToString().ToLowerInvariant()}{(ElementType == OnnxElementType.Float ? "32" : "")} [{string.Join(", ", Dims)}]";
}

/// <summary>An initializer: float32 or int64 values with their dims.</summary>
internal sealed record OnnxTensor(string Name, long[] Dims, float[]? Floats = null, long[]? Int64s = null);

/// <summary>A node attribute: exactly one of an int, a float, a string, ints or strings.</summary>
internal sealed record OnnxAttribute(string Name, long? Int = null, float? Float = null, string? Text = null,
    long[]? Ints = null, string[]? Texts = null);

/// <summary>A node of the default (ai.onnx) domain.</summary>
internal sealed record OnnxNode(string OpType, string Name, string[] Inputs, string[] Outputs, params OnnxAttribute[] Attributes);

/// <summary>
/// Encodes an ONNX ModelProto (onnx/onnx.proto) with the protobuf writer: the messages and field numbers
/// below are the subset this exporter emits.
/// </summary>
internal static class OnnxProto
{
    // ModelProto
    private const int ModelIrVersion = 1, ModelProducerName = 2, ModelProducerVersion = 3, ModelDocString = 6,
        ModelGraph = 7, ModelOpsetImport = 8;
    // OperatorSetIdProto
    private const int OpsetDomain = 1, OpsetVersion = 2;
    // GraphProto
    private const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    // NodeProto
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5;
    // AttributeProto and its AttributeType enum
    private const int AttrName = 1, AttrF = 2, AttrI = 3, AttrS = 4, AttrInts = 8, AttrStrings = 9, AttrType = 20;
    private const int TypeFloat = 1, TypeInt = 2, TypeString = 3, TypeInts = 7, TypeStrings = 8;
    // TensorProto
    private const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorInt64Data = 7, TensorName = 8;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    private const int ValueName = 1, ValueType = 2, TypeTensor = 1, TensorElemType = 1, TensorShape = 2,
        ShapeDim = 1, DimValue = 1, DimParam = 2;

    /// <summary>The ModelProto bytes of one graph.</summary>
    public static byte[] EncodeModel(long irVersion, long opset, string producer, string producerVersion, string docString,
        string graphName, IReadOnlyList<OnnxNode> nodes, IReadOnlyList<OnnxTensor> initializers,
        IReadOnlyList<OnnxValueInfo> inputs, IReadOnlyList<OnnxValueInfo> outputs)
    {
        var w = new ProtoWriter();
        w.Int64(ModelIrVersion, irVersion);
        w.String(ModelProducerName, producer);
        w.String(ModelProducerVersion, producerVersion);
        w.String(ModelDocString, docString);
        w.Message(ModelGraph, g =>
        {
            foreach (var node in nodes) g.Message(GraphNode, n => Node(n, node));
            g.String(GraphName, graphName);
            foreach (var tensor in initializers) g.Message(GraphInitializer, t => Tensor(t, tensor));
            foreach (var input in inputs) g.Message(GraphInput, v => ValueInfo(v, input));
            foreach (var output in outputs) g.Message(GraphOutput, v => ValueInfo(v, output));
        });
        w.Message(ModelOpsetImport, o =>
        {
            o.String(OpsetDomain, ""); // the default domain ai.onnx
            o.Int64(OpsetVersion, opset);
        });
        return w.ToArray();
    }

    private static void Node(ProtoWriter w, OnnxNode node)
    {
        foreach (string input in node.Inputs) w.RepeatedString(NodeInput, input);
        foreach (string output in node.Outputs) w.RepeatedString(NodeOutput, output);
        w.String(NodeName, node.Name);
        w.String(NodeOpType, node.OpType);
        foreach (var attribute in node.Attributes) w.Message(NodeAttribute, a => Attribute(a, attribute));
    }

    private static void Attribute(ProtoWriter w, OnnxAttribute a)
    {
        w.String(AttrName, a.Name);
        if (a.Int is long i) { w.Int64(AttrI, i); w.Int64(AttrType, TypeInt); }
        else if (a.Float is float f) { w.Float(AttrF, f); w.Int64(AttrType, TypeFloat); }
        else if (a.Text is string s) { w.RepeatedString(AttrS, s); w.Int64(AttrType, TypeString); }
        else if (a.Ints is long[] ints) { w.PackedInt64s(AttrInts, ints); w.Int64(AttrType, TypeInts); }
        else if (a.Texts is string[] texts) { foreach (string t in texts) w.RepeatedString(AttrStrings, t); w.Int64(AttrType, TypeStrings); }
        else throw new ArgumentException($"ONNX attribute '{a.Name}' has no value.");
    }

    private static void Tensor(ProtoWriter w, OnnxTensor t)
    {
        w.PackedInt64s(TensorDims, t.Dims);
        if (t.Floats is not null)
        {
            w.Int64(TensorDataType, (long)OnnxElementType.Float);
            w.PackedFloats(TensorFloatData, t.Floats);
        }
        else
        {
            w.Int64(TensorDataType, (long)OnnxElementType.Int64);
            w.PackedInt64s(TensorInt64Data, t.Int64s ?? throw new ArgumentException($"ONNX tensor '{t.Name}' has no values."));
        }
        w.String(TensorName, t.Name);
    }

    private static void ValueInfo(ProtoWriter w, OnnxValueInfo v)
    {
        w.String(ValueName, v.Name);
        w.Message(ValueType, type => type.Message(TypeTensor, tensor =>
        {
            tensor.Int64(TensorElemType, (long)v.ElementType);
            tensor.Message(TensorShape, shape =>
            {
                foreach (string dim in v.Dims)
                    shape.Message(ShapeDim, d =>
                    {
                        if (long.TryParse(dim, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long size))
                            d.Int64(DimValue, size);
                        else d.String(DimParam, dim);
                    });
            });
        }));
    }
}
