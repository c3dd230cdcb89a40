using static RnnNative.Tests.Cli.InProcessRnn;
using RnnNative.Blas;
using RnnNative.Cli;
using RnnNative.Data;
using RnnNative.Tests.Data;
using RnnNative.Training;

namespace RnnNative.Tests.Cli;

/// <summary>Values and files that used to crash with exit 70, train silently or print NaN: now one-line errors.</summary>
public class TrustCliTests
{
    private static void AssertOneLineError(int expectedCode, string expectedText, (int Code, string Output) result)
    {
        Assert.True(result.Code == expectedCode, $"exit {result.Code}: {result.Output}");
        Assert.StartsWith("error: ", result.Output);
        Assert.Contains(expectedText, result.Output);
        Assert.Single(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("1e39", "would be used as Infinity")]
    [InlineData("1e-50", "would be used as 0")]
    [InlineData("1e-40", "positive 32-bit float")] // a subnormal float: Adam steps lost in rounding
    public void LearningRatesAreCheckedAsTheFloatsTheyBecome(string lr, string message)
    {
        using var run = new TempFolder();
        AssertOneLineError(2, message, Rnn("train", "--data", Digits, "--lr", lr, "--out", run.Path));
        Assert.False(File.Exists(Path.Combine(run.Path, "model.ckpt")));
    }

    [Fact]
    public void UnitsBeyondOneParameterBufferAreRefusedUpFront()
    {
        using var run = new TempFolder();
        AssertOneLineError(1, "parameters, more than", Rnn("train", "--data", Digits, "--units", "65536", "--out", run.Path));
    }

    [Fact]
    public void UnitsThatCannotFitInMemoryAreRefusedWithAnEstimate()
    {
        using var run = new TempFolder();
        // 46000 units: 2.1e9 parameters fit one buffer, but weights, gradients and Adam state need ~34 GB.
        var result = Rnn("train", "--data", Digits, "--units", "46000", "--out", run.Path);
        AssertOneLineError(1, "GiB of memory available", result);
        Assert.Matches(@"need about \d+\.\d GiB", result.Output);
    }

    [Fact]
    public void OutMustBeAFolderPath()
    {
        using var run = new TempFolder();
        AssertOneLineError(2, "--out needs a folder path", Rnn("train", "--data", Digits, "--out", ""));
        string file = run.Write("a-file", [1]);
        AssertOneLineError(1, "is a file, not a folder", Rnn("train", "--data", Digits, "--out", Path.Combine(file, "run")));
        AssertOneLineError(1, "is a file; it must be a folder", Rnn("train", "--data", Digits, "--out", file));
    }

    [Fact]
    public void LongErrorsStayOnOneLine()
    {
        string path = Path.Combine(Path.GetTempPath(), new string('x', 180), new string('y', 120), "missing.csv");
        AssertOneLineError(1, "missing.csv", Rnn("train", "--data", path));
    }

    [Fact]
    public void TheBlasNotFoundLineKeepsTheListOfPathsTried()
    {
        var e = new BlasLibraryNotFoundException("libopenblas.so.0", ["/opt/a/libopenblas.so.0: not found", "/opt/b/libopenblas.so.0: wrong ELF class"]);
        string line = Backends.OneLine(e.Message);
        Assert.DoesNotContain('\n', line);
        Assert.Contains("Tried, in order: /opt/a/libopenblas.so.0: not found; /opt/b/libopenblas.so.0: wrong ELF class", line);
        Assert.Contains("Fix: run `" + BlasLibraryNotFoundException.FixCommand, line);
    }

    // An MNIST-format folder of 4x4 images whose labels are given.
    private static void WriteIdxFolder(string folder, int[] trainLabels, int[] testLabels)
    {
        foreach (var (prefix, labels) in new[] { ("train", trainLabels), ("t10k", testLabels) })
        {
            int n = labels.Length;
            File.WriteAllBytes(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"),
                DataFiles.Idx(IdxElementType.UInt8, [n, 4, 4], DataFiles.Values(IdxElementType.UInt8, n * 16, n)));
            File.WriteAllBytes(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"),
                DataFiles.Idx(IdxElementType.UInt8, [n], labels.Select(l => (double)l).ToArray()));
        }
    }

    [Fact]
    public void AStrayTrainingLabelIsAnErrorNotAnExtraClass()
    {
        using var data = new TempFolder();
        int[] train = [.. Enumerable.Range(0, 20).Select(i => i % 10)];
        train[13] = 12;
        WriteIdxFolder(data.Path, train, [0, 1, 2]);
        using var run = new TempFolder();
        AssertOneLineError(1, "label 13 is 12 but class 10 never occurs", Rnn("train", "--data", data.Path, "--epochs", "1", "--units", "4", "--out", run.Path));
    }

    [Fact]
    public void ATestLabelTheModelCannotProduceIsAnError()
    {
        using var data = new TempFolder();
        WriteIdxFolder(data.Path, [.. Enumerable.Range(0, 20).Select(i => i % 10)], [0, 10, 2]);
        using var run = new TempFolder();
        AssertOneLineError(1, "label 1 is 10, a class the model cannot produce", Rnn("train", "--data", data.Path, "--epochs", "1", "--units", "4", "--out", run.Path));
    }

    private static string TrainTinyModel(TempFolder run)
    {
        var (code, output) = Rnn("train", "--data", Digits, "--units", "4", "--epochs", "1", "--limit", "150", "--out", run.Path);
        Assert.True(code == 0, output);
        return Path.Combine(run.Path, "model.ckpt");
    }

    [Fact]
    public void PredictRefusesNonFiniteInputsAndWeightsAndNamesABadMagic()
    {
        using var run = new TempFolder();
        string model = TrainTinyModel(run);

        double[] x = DataFiles.Values(IdxElementType.Single, 2 * 64, 9);
        x[70] = double.NaN;
        string nanImages = run.Write("nan.idx", DataFiles.Idx(IdxElementType.Single, [2, 8, 8], x));
        AssertOneLineError(1, "element 70 is NaN", Rnn("predict", "--model", model, "--data", nanImages));
        x[70] = double.PositiveInfinity;
        string infImages = run.Write("inf.idx", DataFiles.Idx(IdxElementType.Single, [2, 8, 8], x));
        AssertOneLineError(1, "element 70 is Infinity", Rnn("predict", "--model", model, "--data", infImages));

        byte[] badMagic = DataFiles.Idx(IdxElementType.UInt8, [2, 8, 8], DataFiles.Values(IdxElementType.UInt8, 128, 1));
        badMagic[0] = 0x01;
        AssertOneLineError(1, "bad magic", Rnn("predict", "--model", model, "--data", run.Write("bad.idx", badMagic)));

        var checkpoint = Checkpoint.Load(model);
        var variables = checkpoint.Variables.ToDictionary(p => p.Key, p => p.Value);
        string name = variables.Keys.First();
        float[] values = variables[name].ToFloatArray();
        values[0] = float.NaN;
        variables[name] = Tensor.FromArray(values, variables[name].Dims.ToArray());
        string nanModel = Path.Combine(run.Path, "nan.ckpt");
        new Checkpoint(checkpoint.ModelKind, checkpoint.OptionsJson, variables, checkpoint.Metadata).Save(nanModel);
        string images = run.Write("ok.idx", DataFiles.Idx(IdxElementType.UInt8, [2, 8, 8], DataFiles.Values(IdxElementType.UInt8, 128, 2)));
        Assert.Equal(0, Rnn("predict", "--model", model, "--data", images).Code);
        AssertOneLineError(1, $"variable '{name}' holds NaN", Rnn("predict", "--model", nanModel, "--data", images));
    }
}
