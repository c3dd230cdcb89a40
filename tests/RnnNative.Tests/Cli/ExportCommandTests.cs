using RnnNative.Cli;
using RnnNative.Models;
using RnnNative.Tests.Data;
using RnnNative.Tests.Onnx;
using RnnNative.Training;

namespace RnnNative.Tests.Cli;

/// <summary><c>rnn export</c> run in-process on saved checkpoints.</summary>
public class ExportCommandTests
{
    private static readonly SequenceClassifierOptions Options = new()
    {
        Steps = 4, Inputs = 3, Units = 5, Layers = 2, Classes = 4, Cell = CellType.Gru, UseSequenceLengths = true,
    };

    private static (int Code, string Output) Rnn(params string[] args)
    {
        var output = new StringWriter();
        int code = RnnCli.Run(args, output);
        return (code, output.ToString());
    }

    [Fact]
    public void ExportsARunFolderToAFileOnnxRuntimeRunsLikeTheEngine()
    {
        using var folder = new TempFolder();
        var (model, session) = ClassifierExportTests.RandomModel(Options, 8);
        using var _ = session;
        Checkpoint.Capture(session, Options).Save(Path.Combine(folder.Path, "model.ckpt"));
        string onnx = Path.Combine(folder.Path, "out.onnx");

        var (code, output) = Rnn("export", "--model", folder.Path, "--onnx", onnx);

        Assert.True(code == 0, output);
        Assert.Contains("ONNX opset 17, IR version 8", output);
        Assert.Contains("input    X float32 [batch, time, 3]", output);
        Assert.Contains("input    seq_length int32 [batch]", output);
        Assert.Contains("output   class int64 [batch]", output);
        float[] x = ClassifierExportTests.RandomValues(new Random(3), 3 * 4 * 3, 1f);
        int[] lengths = [4, 0, 2];
        var expected = session.Run(model.Logits, new FeedDict
        {
            [model.X] = Tensor.FromArray(x, 3, 4, 3),
            [model.Lengths!] = Tensor.FromArray(lengths, 3),
        })!.ToFloatArray();
        var ort = OrtRunner.Run(onnx, x, 3, 4, 3, lengths, "logits");
        Assert.True(OrtRunner.MaxAbsDifference(expected, ort["logits"].Values) <= 1e-5f);
    }

    [Fact]
    public void ACheckpointThatDoesNotFitItsOptionsIsRefusedInOneLineAndNothingIsWritten()
    {
        using var folder = new TempFolder();
        var (model, session) = ClassifierExportTests.RandomModel(Options, 8);
        using var _ = session;
        var values = model.Graph.GlobalVariables.Where(v => v.Name != "dense/kernel").ToDictionary(v => v.Name, session.Read);
        string checkpoint = Path.Combine(folder.Path, "broken.ckpt");
        new Checkpoint(Options, values).Save(checkpoint);
        string onnx = Path.Combine(folder.Path, "out.onnx");

        var (code, output) = Rnn("export", "--model", checkpoint, "--onnx", onnx);

        Assert.Equal(1, code);
        Assert.Contains("cannot be exported to ONNX: No value for variable 'dense/kernel'", output);
        Assert.False(File.Exists(onnx));
        Assert.Equal(1, Rnn("export", "--model", Path.Combine(folder.Path, "missing")).Code);
        Assert.Equal(2, Rnn("export").Code);
        Assert.Contains("export", Rnn("--help").Output);
    }
}
