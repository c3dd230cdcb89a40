namespace RnnNative;

/// <summary>
/// Turns a built cell (basic, BasicLSTM, GRU, plain or peephole LSTMCell, stacked, dropout-wrapped) into ONNX
/// <c>RNN</c> / <c>LSTM</c> / <c>GRU</c> nodes, one per layer, with the weights converted to ONNX's layouts.
/// </summary>
/// <remarks>
/// TF kernels K: (I + H, G·H) act on [x, h] (rows 0..I−1 on x); ONNX wants per direction W: (G·H, I) and
/// R: (G·H, H), the transposed row blocks, gates stacked in ONNX's order, and B: (2·G·H) = [Wb, Rb].
/// Gate orders: TF BasicLSTM i, j, f, o → ONNX i, o, f, c (c = j), with forget_bias added to Wb_f;
/// TF GRU gates r, u then candidate → ONNX z, r, h (z = u); TF applies r to h before the candidate matmul,
/// which is ONNX's <c>linear_before_reset = 0</c>; both then compute h' = z·h + (1 − z)·h̃.
/// Layers run time-major: x (T, B, I) → Y (T, 1, B, H), Y_h (1, B, H).
/// </remarks>
internal static class OnnxRecurrentLayers
{
    /// <summary>The cells that run one after another over the sequence, bottom first (wrappers without arithmetic removed).</summary>
    /// <exception cref="OnnxExportException">A cell ONNX cannot express exactly.</exception>
    public static IReadOnlyList<RnnCell> Flatten(RnnCell cell)
    {
        var layers = new List<RnnCell>();
        void Add(RnnCell c)
        {
            switch (c)
            {
                case MultiRnnCell multi:
                    foreach (var inner in multi.Cells) Add(inner);
                    break;
                case DropoutWrapper dropout: // identity at inference, the only mode an exported model runs in
                    Add(dropout.Cell);
                    break;
                case BasicRnnCell or BasicLstmCell or GruCell:
                    layers.Add(c);
                    break;
                case LstmCell lstm:
                    if (lstm.CellClip is not null)
                        throw new OnnxExportException($"LSTMCell '{lstm.Name}' clips its cell state; ONNX LSTM's clip bounds the gate inputs instead, so the model cannot be exported exactly.");
                    if (lstm.NumProj is not null)
                        throw new OnnxExportException($"LSTMCell '{lstm.Name}' has an output projection (num_proj), which ONNX LSTM does not have.");
                    layers.Add(c);
                    break;
                case OutputProjectionWrapper:
                    throw new OnnxExportException($"OutputProjectionWrapper '{c.Name}' is supported only as the outermost cell of a per-step model.");
                default:
                    throw new OnnxExportException($"Cell {c.GetType().Name} '{c.Name}' has no ONNX mapping.");
            }
        }
        Add(cell);
        return layers;
    }

    /// <summary>Emits layer <paramref name="cell"/> over x (T, B, I); returns its Y (T, 1, B, H) and Y_h (1, B, H).</summary>
    public static (string Y, string Yh) Emit(OnnxGraphBuilder b, RnnCell cell, int inputSize, string x, string? lengths,
        OnnxWeights weights, int layer)
    {
        int h = cell.NumUnits;
        var v = cell.Variables;
        string prefix = $"layer{layer}";
        string op;
        float[] w, r, bias;
        float[]? peepholes = null;
        var attributes = new List<OnnxAttribute> { new("hidden_size", Int: h) };
        switch (cell)
        {
            case BasicRnnCell basic:
                op = "RNN";
                (w, r, bias) = Convert(weights.Get(v[0]), weights.Get(v[1]), inputSize, h, [0], []);
                attributes.Add(new("activations", Texts: [basic.Activation == Activation.Tanh ? "Tanh" : "Relu"]));
                break;
            case BasicLstmCell lstm:
                op = "LSTM";
                (w, r, bias) = Convert(weights.Get(v[0]), weights.Get(v[1]), inputSize, h, LstmGates, [(2, lstm.ForgetBias)]);
                break;
            case LstmCell lstm:
                op = "LSTM";
                (w, r, bias) = Convert(weights.Get(v[0]), weights.Get(v[1]), inputSize, h, LstmGates, [(2, lstm.ForgetBias)]);
                if (lstm.UsePeepholes) peepholes = [.. weights.Get(v[2]), .. weights.Get(v[4]), .. weights.Get(v[3])]; // ONNX P order i, o, f
                break;
            case GruCell:
                op = "GRU";
                (w, r, bias) = ConvertGru(weights.Get(v[0]), weights.Get(v[1]), weights.Get(v[2]), weights.Get(v[3]), inputSize, h);
                attributes.Add(new("linear_before_reset", Int: 0));
                break;
            default:
                throw new OnnxExportException($"Cell {cell.GetType().Name} '{cell.Name}' has no ONNX mapping.");
        }
        int gates = w.Length / (h * inputSize);
        var inputs = new List<string>
        {
            x,
            b.Floats($"{prefix}_W", w, 1, gates * h, inputSize),
            b.Floats($"{prefix}_R", r, 1, gates * h, h),
            b.Floats($"{prefix}_B", bias, 1, 2 * gates * h),
        };
        if (lengths is not null || peepholes is not null) inputs.Add(lengths ?? "");
        if (peepholes is not null) inputs.AddRange(["", "", b.Floats($"{prefix}_P", peepholes, 1, 3 * h)]);
        var outputs = b.Node(op, inputs.ToArray(), [$"{prefix}_Y", $"{prefix}_Y_h"], attributes.ToArray());
        return (outputs[0], outputs[1]);
    }

    // ONNX LSTM gate i, o, f, c ← TF column blocks i = 0, o = 3, f = 2, j = 1.
    private static readonly int[] LstmGates = [0, 3, 2, 1];

    // W, R and B for kernel (I + H, G·H) and bias (G·H): ONNX gate g takes TF block tfBlocks[g]; extra
    // constants are added to the Wb of a TF block (LSTM's forget_bias).
    private static (float[] W, float[] R, float[] B) Convert(float[] kernel, float[] bias, int inputs, int h,
        int[] tfBlocks, (int Block, float Add)[] addToBias)
    {
        int cols = tfBlocks.Length * h;
        var w = new List<float>();
        var r = new List<float>();
        var wb = new float[cols];
        for (int g = 0; g < tfBlocks.Length; g++)
        {
            int col0 = tfBlocks[g] * h;
            w.AddRange(TransposedBlock(kernel, cols, 0, inputs, col0, h));
            r.AddRange(TransposedBlock(kernel, cols, inputs, h, col0, h));
            float add = addToBias.Where(a => a.Block == tfBlocks[g]).Sum(a => a.Add);
            for (int j = 0; j < h; j++) wb[g * h + j] = bias[col0 + j] + add;
        }
        return (w.ToArray(), r.ToArray(), [.. wb, .. new float[cols]]);
    }

    // GRU: gates kernel (I + H, 2H) with blocks r = 0, u = 1; candidate kernel (I + H, H). ONNX z, r, h.
    private static (float[] W, float[] R, float[] B) ConvertGru(float[] gatesKernel, float[] gatesBias,
        float[] candidateKernel, float[] candidateBias, int inputs, int h)
    {
        float[] W(int row0, int rows) =>
        [
            .. TransposedBlock(gatesKernel, 2 * h, row0, rows, h, h),
            .. TransposedBlock(gatesKernel, 2 * h, row0, rows, 0, h),
            .. TransposedBlock(candidateKernel, h, row0, rows, 0, h),
        ];
        float[] wb = [.. gatesBias.AsSpan(h, h), .. gatesBias.AsSpan(0, h), .. candidateBias];
        return (W(0, inputs), W(inputs, h), [.. wb, .. new float[3 * h]]);
    }

    // Rows row0..row0+rows−1, columns col0..col0+width−1 of a row-major matrix with `cols` columns, transposed: (width, rows).
    private static float[] TransposedBlock(float[] m, int cols, int row0, int rows, int col0, int width)
    {
        var t = new float[width * rows];
        for (int j = 0; j < width; j++)
            for (int i = 0; i < rows; i++) t[j * rows + i] = m[(row0 + i) * cols + col0 + j];
        return t;
    }
}

/// <summary>Variable values by name, checked against the variables' shapes.</summary>
internal sealed class OnnxWeights(IReadOnlyDictionary<string, Tensor> values)
{
    public float[] Get(Variable v)
    {
        if (!values.TryGetValue(v.Name, out var value))
            throw new OnnxExportException($"No value for variable '{v.Name}'.");
        if (value.DType != DType.Float32 || !value.Dims.SequenceEqual(v.Shape.ToArray()))
            throw new OnnxExportException($"Variable '{v.Name}' is {value.DType} {value.Shape}, the model needs float32 {v.Shape}.");
        return value.ToFloatArray();
    }
}

/// <summary>The model cannot be written as ONNX that computes exactly what the engine computes.</summary>
public sealed class OnnxExportException(string message) : Exception(message);
