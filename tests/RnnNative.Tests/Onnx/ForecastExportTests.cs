using RnnNative.Examples;
using RnnNative.Tests.Data;
using RnnOnnx = RnnNative.Onnx;

namespace RnnNative.Tests.Onnx;

/// <summary>The lecture's forecast model (ReLU cell + per-step output projection) exported through the public API.</summary>
public class ForecastExportTests
{
    [Fact]
    public void ForecastModelVariablesMapOntoAFreshCellOfTheSameStructureAndMatchOnnxRuntime()
    {
        var options = new ForecastOptions { Steps = 7, Units = 6 };
        var model = new ForecastModel(options);
        using var session = new Session(model.Graph);
        session.Run(model.Graph.GlobalVariablesInitializer());
        var rng = new Random(4);
        foreach (var v in model.Graph.TrainableVariables)
            session.Assign(v, Tensor.FromArray(ClassifierExportTests.RandomValues(rng, v.Shape.ElementCount, 0.6f), v.Shape.ToArray()));
        float[] x = ClassifierExportTests.RandomValues(rng, 3 * 7, 1f);
        float[] expected = session.Run(model.Outputs, new FeedDict { [model.X] = Tensor.FromArray(x, 3, 7, 1) })!.ToFloatArray();
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "forecast.onnx");

        var cell = new OutputProjectionWrapper(new BasicRnnCell(options.Units, Activation.Relu), 1);
        var result = RnnOnnx.ExportSequence(cell, 1, model.Graph.GlobalVariables.ToDictionary(v => v.Name, session.Read), path);
        var ort = OrtRunner.Run(path, x, 3, 7, 1, null, "outputs");

        Assert.Equal("outputs float32 [batch, time, 1]", result.Outputs[0].ToString());
        Assert.True(OrtRunner.MaxAbsDifference(expected, ort["outputs"].Values) <= 1e-5f);
    }
}
