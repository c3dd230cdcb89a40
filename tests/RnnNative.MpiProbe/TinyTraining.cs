using RnnNative.Data;
using RnnNative.Distributed;

namespace RnnNative.MpiProbe;

/// <summary>
/// Data-parallel training of a small classifier with the Distributed pieces: parameters broadcast from rank 0 (each
/// rank initialises with its own seed, so a missing broadcast shows), each rank reads its <see cref="RankShard"/> of
/// every global batch, and <see cref="GradientAverager"/> averages the gradient slab before each Adam update.
/// With one rank it is ordinary training on the whole batch.
/// </summary>
public static class TinyTraining
{
    public const int Samples = 48, Inputs = 4, Classes = 3, GlobalBatch = 8, Epochs = 2;

    /// <summary>Every trainable variable's values after training, concatenated in graph order.</summary>
    public static float[] Run(ICommunicator comm)
    {
        var g = new Graph(seed: 100 + comm.Rank);
        var x = g.Placeholder("X", new Shape(-1, Inputs));
        var y = g.Placeholder("y", new Shape(-1), DType.Int32);
        var logits = Layers.Dense(Layers.Dense(x, 8, h => Ops.Tanh(h)), Classes);
        var loss = Ops.ReduceMean(Ops.SparseSoftmaxCrossEntropyWithLogits(y, logits));
        var optimizer = new AdamOptimizer(0.05f) { GradientReducer = new GradientAverager(comm) };
        var train = optimizer.Minimize(loss);
        using var s = new Session(g);
        s.Run(g.GlobalVariablesInitializer());
        comm.BroadcastParameters(s);
        var data = Data();
        var batcher = new Batcher(Samples, GlobalBatch, seed: 9, shard: new RankShard(comm.Rank, comm.Size));
        var xs = new float[batcher.LocalBatchSize * Inputs];
        var ys = new int[batcher.LocalBatchSize];
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            batcher.BeginEpoch(epoch);
            for (int b = 0; b < batcher.BatchesPerEpoch; b++)
            {
                int n = batcher.Fill(data, b, xs, ys);
                s.Run(train, new FeedDict { [x] = Tensor.FromArray(xs[..(n * Inputs)], n, Inputs), [y] = Tensor.FromArray(ys[..n], n) });
            }
        }
        return g.TrainableVariables.SelectMany(v => s.Read(v).ToFloatArray()).ToArray();
    }

    // Sample i: features sin(i·(k+1)), label i mod 3.
    private static Dataset Data()
    {
        var features = new float[Samples * Inputs];
        for (int i = 0; i < Samples; i++)
            for (int k = 0; k < Inputs; k++) features[i * Inputs + k] = MathF.Sin(i * (k + 1));
        return new Dataset(features, Enumerable.Range(0, Samples).Select(i => i % Classes).ToArray(), 1, Inputs, classes: Classes);
    }
}
