using RnnNative.Models;
using RnnNative.Tests.Data;
using RnnOnnx = RnnNative.Onnx;

namespace RnnNative.Tests.Onnx;

/// <summary>What ONNX cannot express exactly is refused with a message naming it, and no file is written.</summary>
public class ExportRefusalTests
{
    public static TheoryData<string, string> Refused() => new()
    {
        { "cell clip", "clips its cell state" },
        { "projection", "num_proj" },
        { "projection wrapper with lengths", "bias" },
        { "projection wrapper inside a stack", "outermost" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void RefusesCellsWithoutAnExactOnnxForm(string what, string message)
    {
        bool lengths = what == "projection wrapper with lengths";
        RnnCell cell = what switch
        {
            "cell clip" => new LstmCell(3, cellClip: 2f),
            "projection" => new LstmCell(3, numProj: 2),
            "projection wrapper with lengths" => new OutputProjectionWrapper(new BasicRnnCell(3), 1),
            _ => new MultiRnnCell([new OutputProjectionWrapper(new BasicRnnCell(3), 2), new BasicRnnCell(3)]),
        };
        var g = new Graph(1);
        Rnn.Dynamic(cell, g.Placeholder("X", new Shape(-1, 2, 2)));
        using var session = new Session(g);
        session.Run(g.GlobalVariablesInitializer());
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "refused.onnx");

        var e = Assert.Throws<OnnxExportException>(() =>
            RnnOnnx.ExportSequence(cell, 2, g.GlobalVariables.ToDictionary(v => v.Name, session.Read), path, lengths));

        Assert.Contains(message, e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void MissingOrMisshapenVariablesAreNamed()
    {
        var options = new SequenceClassifierOptions { Steps = 2, Inputs = 2, Units = 3, Classes = 2 };
        var (model, session) = ClassifierExportTests.RandomModel(options, 1);
        using var _ = session;
        var values = model.Graph.GlobalVariables.ToDictionary(v => v.Name, session.Read);
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "bad.onnx");

        var missing = new Dictionary<string, Tensor>(values);
        missing.Remove("dense/bias");
        Assert.Contains("'dense/bias'", Assert.Throws<OnnxExportException>(() => RnnOnnx.Export(options, missing, path)).Message);
        var misshapen = new Dictionary<string, Tensor>(values) { ["rnn/basic_rnn_cell/kernel"] = Tensor.Zeros(DType.Float32, 4, 4) };
        Assert.Contains("'rnn/basic_rnn_cell/kernel'", Assert.Throws<OnnxExportException>(() => RnnOnnx.Export(options, misshapen, path)).Message);
        Assert.False(File.Exists(path));
    }
}
