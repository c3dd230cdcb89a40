using System.IO.Compression;
using Microsoft.ML.OnnxRuntime;

namespace RnnNative.Tests.Onnx;

/// <summary>
/// The C# snippet of docs/onnx.md, compiled here so it keeps working: an exported Fashion-MNIST model run by
/// ONNX Runtime alone (no RnnNative) on the t10k set, with the engine's pixel scaling (ubyte · 1/255).
/// </summary>
public static class FashionMnistOnnxSnippet
{
    /// <summary>Correct predictions and examples on <paramref name="folder"/>'s t10k set.</summary>
    public static (int Correct, int Count) Accuracy(string onnxPath, string folder)
    {
        // --- docs/onnx.md snippet begins ---
        byte[] Idx(string name, int header) { using var gz = new GZipStream(File.OpenRead(Path.Combine(folder, name)), CompressionMode.Decompress); var m = new MemoryStream(); gz.CopyTo(m); return m.ToArray()[header..]; }
        byte[] pixels = Idx("t10k-images-idx3-ubyte.gz", 16), labels = Idx("t10k-labels-idx1-ubyte.gz", 8);
        float[] x = Array.ConvertAll(pixels, p => p * (1f / 255f));
        using var session = new InferenceSession(onnxPath);
        using var input = OrtValue.CreateTensorValueFromMemory(x, [labels.Length, 28, 28]);
        using var outputs = session.Run(new RunOptions(), ["X"], [input], ["class"]);
        var predicted = outputs[0].GetTensorDataAsSpan<long>();
        int correct = 0;
        for (int n = 0; n < labels.Length; n++) correct += predicted[n] == labels[n] ? 1 : 0;
        Console.WriteLine($"accuracy {100.0 * correct / labels.Length:F2}% ({correct}/{labels.Length})");
        // --- snippet ends ---
        return (correct, labels.Length);
    }
}
