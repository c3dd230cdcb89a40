// The README's first code block (between the markers): the TensorFlow 1.x lecture's model written with the graph
// API, trained on the shipped 8x8 digits. Run: dotnet run -c Release --project examples/QuickStart
// <quickstart>
using RnnNative;
using RnnNative.Data;

// 1,797 8x8 digit images, each read as 8 time steps of 8 pixels; a seeded 20% test hold-out.
var digits = CsvDataset.Load(args.Length > 0 ? args[0] : "data/digits.csv.gz", new CsvOptions { Steps = 8 });
var (train, test) = digits.Split(0.2, seed: 42);

var g = new Graph(seed: 42);
var X = g.Placeholder("X", new Shape(-1, 8, 8));                   // -1 = any batch size
var y = g.Placeholder("y", new Shape(-1), DType.Int32);
var (outputs, states) = Rnn.Dynamic(new BasicRnnCell(64), X);      // one fused node; sequenceLength: optional
var logits = Layers.Dense(states, 10);                              // dense/kernel, dense/bias
var xentropy = Ops.SparseSoftmaxCrossEntropyWithLogits(labels: y, logits: logits);
var loss = Ops.ReduceMean(xentropy);
var trainingOp = new AdamOptimizer(learningRate: 0.01f).Minimize(loss);
var accuracy = Ops.ReduceMean(Ops.Cast(Ops.InTopK(logits, y, k: 1), DType.Float32));

using var session = new Session(g);                                 // backend: RNNNATIVE_BLAS or the library's choice
session.Run(g.GlobalVariablesInitializer());
const int batchSize = 50;
var xBatch = new float[batchSize * 8 * 8];
var yBatch = new int[batchSize];
var testFeeds = new FeedDict { [X] = Tensor.FromArray(test.Features, test.Count, 8, 8), [y] = Tensor.FromArray(test.Labels, test.Count) };
for (int epoch = 1; epoch <= 10; epoch++)
{
    int[] order = Shuffle.Permutation(train.Count, seed: (ulong)epoch);
    for (int start = 0; start + batchSize <= train.Count; start += batchSize)
    {
        train.Gather(order.AsSpan(start, batchSize), xBatch, yBatch);      // copies the batch into xBatch, yBatch
        var feeds = new FeedDict { [X] = Tensor.FromArray(xBatch, batchSize, 8, 8), [y] = Tensor.FromArray(yBatch, batchSize) };
        session.Run(trainingOp, feeds);                                 // one step of BPTT + Adam
    }
    var (lossValue, accValue) = session.Run(loss, accuracy, testFeeds);
    Console.WriteLine($"epoch {epoch}: test loss {lossValue.ToScalar():F4}, test accuracy {accValue.ToScalar():P2}");
}
Console.WriteLine(session.Run(logits, new FeedDict { [X] = Tensor.FromArray(test.Features[..64], 1, 8, 8) }));
// </quickstart>
