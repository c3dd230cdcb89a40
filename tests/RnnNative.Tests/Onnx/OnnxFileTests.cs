using Microsoft.ML.OnnxRuntime;
using RnnNative.Data;
using RnnNative.Models;
using RnnNative.Tests.Data;
using OnnxSharpModel = global::Onnx.ModelProto;
using RnnOnnx = RnnNative.Onnx;

namespace RnnNative.Tests.Onnx;

/// <summary>The exported file read back by an independent protobuf reader (OnnxSharp) and by ONNX Runtime's metadata.</summary>
public class OnnxFileTests
{
    [Fact]
    public void FileDeclaresOpsetIrVersionNamedInputsOutputsSymbolicDimsAndInitializerShapes()
    {
        var options = new SequenceClassifierOptions { Steps = 3, Inputs = 5, Units = 4, Layers = 2, Classes = 7, Cell = CellType.Lstm, UseSequenceLengths = true };
        var (model, session) = ClassifierExportTests.RandomModel(options, 2);
        using var _ = session;
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "m.onnx");
        var result = RnnOnnx.Export(model, session, path);

        var proto = OnnxSharpModel.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(8, proto.IrVersion);
        var opset = Assert.Single(proto.OpsetImport);
        Assert.Equal(("", 17L), (opset.Domain, opset.Version));
        Assert.Equal(["X", "seq_length"], proto.Graph.Input.Select(i => i.Name));
        Assert.Equal(["logits", "probabilities", "class"], proto.Graph.Output.Select(o => o.Name));
        string Dims(global::Onnx.ValueInfoProto v) => string.Join(",", v.Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString()));
        Assert.Equal(["batch,time,5", "batch"], proto.Graph.Input.Select(Dims));
        Assert.Equal(["batch,7", "batch,7", "batch"], proto.Graph.Output.Select(Dims));
        Assert.Equal([1, 6], proto.Graph.Input.Select(i => i.Type.TensorType.ElemType)); // FLOAT, INT32
        Assert.Equal(7, proto.Graph.Output[2].Type.TensorType.ElemType); // INT64
        Assert.Equal(["Transpose", "LSTM", "Squeeze", "LSTM", "Squeeze", "Gemm", "Softmax", "ArgMax"], proto.Graph.Node.Select(n => n.OpType));
        var lstm = proto.Graph.Node.First(n => n.OpType == "LSTM");
        Assert.Equal(4, lstm.Attribute.Single(a => a.Name == "hidden_size").I);
        var shapes = proto.Graph.Initializer.ToDictionary(t => t.Name, t => string.Join("x", t.Dims));
        Assert.Equal("1x16x5", shapes["layer0_W"]);
        Assert.Equal("1x16x4", shapes["layer0_R"]);
        Assert.Equal("1x32", shapes["layer0_B"]);
        Assert.Equal("1x16x4", shapes["layer1_W"]);
        Assert.Equal("4x7", shapes["dense_kernel"]);
        foreach (var t in proto.Graph.Initializer.Where(t => t.DataType == 1))
            Assert.Equal(t.Dims.Aggregate(1L, (a, d) => a * d), t.FloatData.Count);
        Assert.Equal(new FileInfo(path).Length, result.Bytes);

        using var ort = new InferenceSession(path);
        Assert.Equal(["batch", "time", ""], ort.InputMetadata["X"].SymbolicDimensions);
        Assert.Equal([-1, -1, 5], ort.InputMetadata["X"].Dimensions);
        Assert.Equal(["batch"], ort.OutputMetadata["class"].SymbolicDimensions);
    }

    [Fact]
    public void DocsSnippetCountsWhatTheEngineCounts()
    {
        // A random 28x28 model and 40 random images with random labels: the snippet's count equals the engine's.
        var options = new SequenceClassifierOptions { Units = 8 };
        var (model, session) = ClassifierExportTests.RandomModel(options, 5);
        using var _ = session;
        using var folder = new TempFolder();
        var rng = new Random(9);
        const int count = 40;
        double[] pixels = Enumerable.Range(0, count * 28 * 28).Select(_ => (double)rng.Next(256)).ToArray();
        double[] labels = Enumerable.Range(0, count).Select(_ => (double)rng.Next(10)).ToArray();
        folder.Write("t10k-images-idx3-ubyte.gz", DataFiles.Gzip(DataFiles.Idx(IdxElementType.UInt8, [count, 28, 28], pixels)));
        folder.Write("t10k-labels-idx1-ubyte.gz", DataFiles.Gzip(DataFiles.Idx(IdxElementType.UInt8, [count], labels)));
        string path = Path.Combine(folder.Path, "fashion.onnx");
        RnnOnnx.Export(model, session, path);

        var data = MnistDataset.Load(folder.Path, train: false);
        var logits = session.Run(model.Logits, new FeedDict { [model.X] = Tensor.FromArray(data.Images, count, 28, 28) })!.ToFloatArray();
        int engineCorrect = Enumerable.Range(0, count).Count(n =>
            Array.IndexOf(logits, logits.AsSpan(10 * n, 10).ToArray().Max(), 10 * n, 10) - 10 * n == data.Labels[n]);

        var (correct, total) = FashionMnistOnnxSnippet.Accuracy(path, folder.Path);

        Assert.Equal(count, total);
        Assert.Equal(engineCorrect, correct);
        Assert.InRange(correct, 1, count - 1); // random labels: a count of 0 or all would not test much
    }
}
