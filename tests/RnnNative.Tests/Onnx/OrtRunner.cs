using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RnnNative.Tests.Onnx;

/// <summary>Runs an ONNX file with ONNX Runtime (the independent reference for the exporter).</summary>
internal static class OrtRunner
{
    /// <summary>Feeds X (B, T, I) and optional lengths; returns each requested output's values and shape.</summary>
    public static Dictionary<string, (float[] Values, long[] Shape)> Run(string path, float[] x, int batch, int steps, int inputs,
        int[]? lengths, params string[] outputNames)
    {
        using var session = new InferenceSession(path);
        var names = new List<string> { "X" };
        var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(x, [batch, steps, inputs]) };
        if (lengths is not null)
        {
            names.Add("seq_length");
            values.Add(OrtValue.CreateTensorValueFromMemory(lengths, [batch]));
        }
        try
        {
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, names, values, outputNames);
            var output = new Dictionary<string, (float[], long[])>();
            for (int i = 0; i < outputNames.Length; i++)
            {
                var info = results[i].GetTensorTypeAndShape();
                float[] data = info.ElementDataType == TensorElementType.Int64
                    ? results[i].GetTensorDataAsSpan<long>().ToArray().Select(v => (float)v).ToArray()
                    : results[i].GetTensorDataAsSpan<float>().ToArray();
                output[outputNames[i]] = (data, info.Shape);
            }
            return output;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    public static float MaxAbsDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }
}
