using RnnNative.Models;

namespace RnnNative;

/// <summary>What <see cref="Onnx"/> wrote: the file, its opset and IR version, and the graph's inputs and outputs.</summary>
public sealed record OnnxExportResult(string Path, int Opset, int IrVersion, long Bytes,
    IReadOnlyList<OnnxValueInfo> Inputs, IReadOnlyList<OnnxValueInfo> Outputs);

/// <summary>
/// Writes trained recurrent models as ONNX files that any ONNX runtime can serve: the recurrence as ONNX
/// <c>RNN</c> / <c>LSTM</c> / <c>GRU</c> nodes (one per layer, with <c>sequence_lens</c> when the model takes
/// lengths), inputs batch-major (B, T, I) as in the engine, batch and time dimensions symbolic.
/// </summary>
/// <remarks>
/// <c>dynamic_rnn</c>'s semantics carry over: ONNX's <c>Y</c> is 0 past each length and <c>Y_h</c> is the state at
/// the last valid step. The file is written by a small built-in protobuf writer (no dependency). Models ONNX cannot
/// express exactly (a cell-clipped or projected LSTMCell, an unknown cell) throw <see cref="OnnxExportException"/>
/// and nothing is written. A length of 0 gives the zero initial state (as in the engine); lengths outside [0, T] are
/// errors in ONNX Runtime as in the engine (other runtimes may not check them).
/// </remarks>
public static class Onnx
{
    /// <summary>The ai.onnx opset the files import.</summary>
    public const int Opset = 17;

    /// <summary>The ONNX IR version of the files (8 goes with opset 17).</summary>
    public const int IrVersion = 8;

    /// <summary>Exports a <see cref="SequenceClassifier"/> with the weights <paramref name="session"/> holds.</summary>
    public static OnnxExportResult Export(SequenceClassifier model, Session session, string path) =>
        Export(model.Options, model.Graph.GlobalVariables.ToDictionary(v => v.Name, session.Read), path);

    /// <summary>
    /// Exports the sequence classifier of <paramref name="options"/> with variable values by name (a checkpoint's).
    /// Inputs <c>X</c> float32 (batch, time, I) and, with sequence lengths, <c>seq_length</c> int32 (batch);
    /// outputs <c>logits</c> (batch, C), <c>probabilities</c> (softmax, batch, C) and <c>class</c> (argmax, int64, batch).
    /// </summary>
    /// <exception cref="OnnxExportException">A variable is missing or of another shape.</exception>
    public static OnnxExportResult Export(SequenceClassifierOptions options, IReadOnlyDictionary<string, Tensor> variables, string path)
    {
        var g = new Graph(options.Seed);
        var x = g.Placeholder("X", new Shape(-1, options.Steps, options.Inputs));
        var lengths = options.UseSequenceLengths ? g.Placeholder("seq_length", new Shape(-1), DType.Int32) : null;
        var cell = SequenceClassifier.CreateCell(options);
        var (_, state) = Rnn.Dynamic(cell, x, lengths);
        Layers.Dense(state, options.Classes);
        var dense = g.GlobalVariables.Where(v => v.Name.StartsWith("dense/", StringComparison.Ordinal)).ToArray();
        var weights = new OnnxWeights(variables);

        var b = new OnnxGraphBuilder();
        string input = b.Input("X", OnnxElementType.Float, "batch", "time", $"{options.Inputs}");
        string? lengthsInput = lengths is null ? null : b.Input("seq_length", OnnxElementType.Int32, "batch");
        var (_, yh) = RecurrentStack(b, cell, options.Inputs, input, lengthsInput, weights);
        string h = b.Node("Squeeze", [yh, b.Int64s("axis0", 0)], "final_h");
        string logits = b.Node("Gemm", [h, b.Floats("dense_kernel", weights.Get(dense[0]), options.Units, options.Classes),
            b.Floats("dense_bias", weights.Get(dense[1]), options.Classes)], "logits");
        b.Node("Softmax", [logits], "probabilities", new OnnxAttribute("axis", Int: 1));
        b.Node("ArgMax", [logits], "class", new OnnxAttribute("axis", Int: 1), new OnnxAttribute("keepdims", Int: 0));
        string classes = $"{options.Classes}";
        b.Output("logits", OnnxElementType.Float, "batch", classes);
        b.Output("probabilities", OnnxElementType.Float, "batch", classes);
        b.Output("class", OnnxElementType.Int64, "batch");
        return Write(b, path, $"RnnNative sequence classifier: {options.Layers}x {options.Cell} {options.Units} units, {options.Classes} classes");
    }

    /// <summary>
    /// Exports a per-step model: <c>dynamic_rnn</c> of <paramref name="cell"/> over <c>X</c> (batch, time,
    /// <paramref name="inputs"/>) from a zero state, outputs <c>outputs</c> (batch, time, cell output size) and
    /// <c>state</c> (the top layer's final h, (batch, H)). An <see cref="OutputProjectionWrapper"/> as the outermost
    /// cell becomes a MatMul + Add on every step (the forecast model).
    /// </summary>
    /// <param name="cell">The cell; if not yet built it is built here under <paramref name="scope"/>, which must then match the variables' names.</param>
    /// <param name="inputs">Inputs per step I.</param>
    /// <param name="variables">Variable values by name.</param>
    /// <param name="path">The .onnx file to write.</param>
    /// <param name="useSequenceLengths">Whether the model takes <c>seq_length</c> int32 (batch).</param>
    /// <param name="scope">The <c>dynamic_rnn</c> scope of the variables.</param>
    /// <exception cref="OnnxExportException">The cell has no exact ONNX form, or a variable is missing or of another shape.</exception>
    public static OnnxExportResult ExportSequence(RnnCell cell, int inputs, IReadOnlyDictionary<string, Tensor> variables,
        string path, bool useSequenceLengths = false, string scope = "rnn")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        if (cell.InputSize == 0) Rnn.Dynamic(cell, new Graph().Placeholder("X", new Shape(-1, 1, inputs)), scope: scope);
        else if (cell.InputSize != inputs)
            throw new ArgumentException($"Cell {cell.Name} was built for {cell.InputSize} inputs, not {inputs}.", nameof(inputs));
        var projection = cell as OutputProjectionWrapper;
        if (projection is not null && useSequenceLengths)
            throw new OnnxExportException("An OutputProjectionWrapper with sequence lengths: dynamic_rnn zeroes the projected outputs past each length, ONNX would leave the projection's bias there.");
        var weights = new OnnxWeights(variables);

        var b = new OnnxGraphBuilder();
        string x = b.Input("X", OnnxElementType.Float, "batch", "time", $"{inputs}");
        string? lengths = useSequenceLengths ? b.Input("seq_length", OnnxElementType.Int32, "batch") : null;
        var (y, yh) = RecurrentStack(b, projection?.Cell ?? cell, inputs, x, lengths, weights);
        string steps = b.Node("Squeeze", [y, b.Int64s("axis1", 1)], "top_outputs"); // (T, B, H)
        if (projection is not null)
        {
            var (kernel, bias) = (projection.Variables[^2], projection.Variables[^1]);
            steps = b.Node("MatMul", [steps, b.Floats("projection_kernel", weights.Get(kernel), kernel.Shape[0], kernel.Shape[1])], "projected");
            steps = b.Node("Add", [steps, b.Floats("projection_bias", weights.Get(bias), bias.Shape[0])], "projected_biased");
        }
        b.Node("Transpose", [steps], "outputs", new OnnxAttribute("perm", Ints: [1, 0, 2]));
        b.Node("Squeeze", [yh, b.Int64s("axis0", 0)], "state");
        b.Output("outputs", OnnxElementType.Float, "batch", "time", $"{cell.OutputSize}");
        b.Output("state", OnnxElementType.Float, "batch", $"{(projection?.Cell ?? cell).NumUnits}");
        return Write(b, path, $"RnnNative dynamic_rnn ({cell.GetType().Name} '{cell.Name}', {inputs} inputs)");
    }

    // X (B, T, I) → time-major → one ONNX recurrent node per layer; returns the top layer's Y (T, 1, B, H) and Y_h (1, B, H).
    private static (string Y, string Yh) RecurrentStack(OnnxGraphBuilder b, RnnCell cell, int inputs, string x, string? lengths, OnnxWeights weights)
    {
        var layers = OnnxRecurrentLayers.Flatten(cell);
        string current = b.Node("Transpose", [x], "X_time_major", new OnnxAttribute("perm", Ints: [1, 0, 2]));
        (string Y, string Yh) result = ("", "");
        for (int l = 0; l < layers.Count; l++)
        {
            if (l > 0) current = b.Node("Squeeze", [result.Y, b.Int64s($"layer{l}_axis1", 1)], $"layer{l}_input");
            result = OnnxRecurrentLayers.Emit(b, layers[l], l == 0 ? inputs : layers[l - 1].OutputSize, current, lengths, weights, l);
        }
        return result;
    }

    private static OnnxExportResult Write(OnnxGraphBuilder b, string path, string docString)
    {
        byte[] bytes = b.Encode(IrVersion, Opset, docString);
        string full = System.IO.Path.GetFullPath(path);
        string temp = full + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, full, overwrite: true);
        return new OnnxExportResult(full, Opset, IrVersion, bytes.Length, b.Inputs.ToArray(), b.Outputs.ToArray());
    }
}
