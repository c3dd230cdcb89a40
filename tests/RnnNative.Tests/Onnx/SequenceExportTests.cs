using RnnNative.Tests.Data;
using RnnOnnx = RnnNative.Onnx;

namespace RnnNative.Tests.Onnx;

/// <summary>Per-step exports (every step's output and the final state) run by ONNX Runtime against <see cref="Rnn.Dynamic"/>.</summary>
public class SequenceExportTests
{
    private const int Batch = 4, Steps = 6, Inputs = 2;

    public static TheoryData<string> Cells() => ["relu+projection", "gru x2", "peephole lstm", "lstm cell", "dropout basic", "basic tanh + lstm"];

    private static RnnCell Create(string name, Graph g) => name switch
    {
        "relu+projection" => new OutputProjectionWrapper(new BasicRnnCell(5, Activation.Relu), 1),
        "gru x2" => new MultiRnnCell([new GruCell(3), new GruCell(4)]),
        "peephole lstm" => new LstmCell(3, usePeepholes: true, forgetBias: 0.7f),
        "lstm cell" => new LstmCell(4, forgetBias: 1.3f),
        "dropout basic" => new DropoutWrapper(new BasicRnnCell(4), Ops.TrainingFlag(g), inputKeepProb: 0.6f, outputKeepProb: 0.5f),
        "basic tanh + lstm" => new MultiRnnCell([new BasicRnnCell(3), new BasicLstmCell(4, forgetBias: 0.4f)]),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public void OnnxRuntimeMatchesDynamicRnnOutputsAndState(string cellName)
    {
        bool lengthsAllowed = !cellName.StartsWith("relu+projection", StringComparison.Ordinal);
        foreach (bool useLengths in lengthsAllowed ? new[] { false, true } : [false])
        {
            var g = new Graph(1);
            var x = g.Placeholder("X", new Shape(-1, Steps, Inputs));
            var lengthsNode = useLengths ? g.Placeholder("seq_length", new Shape(-1), DType.Int32) : null;
            var cell = Create(cellName, g);
            var result = Rnn.Dynamic(cell, x, lengthsNode);
            using var session = new Session(g);
            session.Run(g.GlobalVariablesInitializer());
            var rng = new Random(cellName.Length);
            foreach (var v in g.TrainableVariables)
                session.Assign(v, Tensor.FromArray(ClassifierExportTests.RandomValues(rng, v.Shape.ElementCount, 0.8f), v.Shape.ToArray()));
            float[] data = ClassifierExportTests.RandomValues(rng, Batch * Steps * Inputs, 1.5f);
            int[] lengths = [6, 0, 2, 5];
            var feeds = new FeedDict { [x] = Tensor.FromArray(data, Batch, Steps, Inputs) };
            if (useLengths) feeds[lengthsNode!] = Tensor.FromArray(lengths, Batch);
            var (outputs, state) = session.Run(result.Outputs, result.State, feeds);

            using var folder = new TempFolder();
            string path = Path.Combine(folder.Path, "seq.onnx");
            RnnOnnx.ExportSequence(cell, Inputs, g.GlobalVariables.ToDictionary(v => v.Name, session.Read), path, useLengths);
            var ort = OrtRunner.Run(path, data, Batch, Steps, Inputs, useLengths ? lengths : null, "outputs", "state");

            Assert.Equal([Batch, Steps, (long)cell.OutputSize], ort["outputs"].Shape);
            float outputError = OrtRunner.MaxAbsDifference(outputs.ToFloatArray(), ort["outputs"].Values);
            float stateError = OrtRunner.MaxAbsDifference(state.ToFloatArray(), ort["state"].Values);
            Assert.True(outputError <= 1e-5f && stateError <= 1e-5f, $"lengths {useLengths}: outputs {outputError}, state {stateError}");
        }
    }
}
