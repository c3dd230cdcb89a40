using RnnNative.Training;
using Spectre.Console;

namespace RnnNative.Cli;

/// <summary><c>rnn export</c>: a saved sequence classifier as an ONNX file for ONNX Runtime and other runtimes.</summary>
internal static class ExportCommand
{
    private const string Help = """
        usage: rnn export --model DIR|FILE [--onnx FILE]
          --model DIR|FILE   a run folder (uses its model.ckpt) or a checkpoint file such as DIR/best.ckpt
          --onnx FILE        the ONNX file to write (default: model.onnx beside the checkpoint)
        The file takes X (batch, time, inputs) float32 and, for models trained with lengths, seq_length (batch)
        int32; it gives logits, probabilities (softmax) and class (argmax, int64). Batch and time are free.
        A model ONNX cannot express exactly is refused and nothing is written.
        """;

    public static int Run(string[] args, IAnsiConsole console)
    {
        var a = CommandLine.Parse("export", args, ["--model", "--onnx"], ["--help"]);
        if (a.Has("--help"))
        {
            console.WriteLine(Help);
            return 0;
        }
        string model = a.Required("--model");
        string path = Directory.Exists(model) ? new RunFolder(model).Last : model;
        if (!File.Exists(path))
            throw new FileNotFoundException(Directory.Exists(model)
                ? $"'{model}' has no {RunFolder.LastName} (train into it with rnn train --out {model})."
                : $"model '{model}' not found (a run folder or a .ckpt file).");
        var checkpoint = Checkpoint.Load(path);
        string onnx = a.String("--onnx") ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "model.onnx");
        OnnxExportResult result;
        try
        {
            result = Onnx.Export(checkpoint.ClassifierOptions, checkpoint.Variables, onnx);
        }
        catch (OnnxExportException e)
        {
            throw new CliException($"'{path}' cannot be exported to ONNX: {e.Message}");
        }
        console.WriteLine($"model:   {path}: {TrainCommand.Describe(checkpoint.ClassifierOptions)}");
        console.WriteLine($"wrote    {result.Path} ({result.Bytes:N0} bytes, ONNX opset {result.Opset}, IR version {result.IrVersion})");
        foreach (var input in result.Inputs) console.WriteLine($"input    {input}");
        foreach (var output in result.Outputs) console.WriteLine($"output   {output}");
        return 0;
    }
}
