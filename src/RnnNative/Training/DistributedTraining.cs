using RnnNative.Data;
using RnnNative.Distributed;

namespace RnnNative.Training;

/// <summary>
/// What the training loop and the evaluator do differently when they run on rank r of N
/// (<see cref="TrainingLoopOptions.Communicator"/>): their share of each batch, the global mean of the batch loss,
/// and evaluation sums over the ranks. Every member allocates nothing per call.
/// The global loss and the stop decision come from the step's gradient all-reduce, which carries the loss and a stop
/// flag as two more floats (<see cref="IGradientReducer"/>): one collective per step. Only a train op without a
/// reducer, or one minimising another node than the loop's loss, costs a second all-reduce, of those two floats.
/// </summary>
/// <remarks>
/// <para>Each rank reads the r-th contiguous slice of every global batch of the same seeded epoch order
/// (<see cref="RankShard"/>), so together the ranks read exactly the batches one process would. With the gradients
/// averaged over the ranks (<see cref="GradientAverager"/>) and equal slices b = B/N, an update is the one-process
/// update on the whole batch up to float rounding.</para>
/// <para>A kept last batch of m samples that N does not divide would give unequal slices, whose mean of means is not
/// the batch mean (and empty slices when m &lt; N): on more than one rank such a batch is dropped.</para>
/// </remarks>
internal sealed class DistributedTraining
{
    private readonly float[] _lossAndStop = new float[2];
    private readonly double[] _sums = new double[3];
    private readonly Session? _session;
    private readonly Node? _lossNode;

    /// <summary>Rank r of <paramref name="communicator"/> (null: one process), training <paramref name="lossNode"/> in <paramref name="session"/>.</summary>
    public DistributedTraining(ICommunicator? communicator, Session? session = null, Node? lossNode = null)
    {
        Communicator = communicator ?? SingleProcessCommunicator.Instance;
        (_session, _lossNode) = (session, lossNode);
    }

    public ICommunicator Communicator { get; }

    public bool IsDistributed => Communicator.Size > 1;

    /// <summary>This rank's share of each batch.</summary>
    public RankShard Shard => new(Communicator.Rank, Communicator.Size);

    /// <summary>Whether the last partial batch of <paramref name="count"/> samples must be dropped: it would not split evenly.</summary>
    public bool MustDropLastBatch(int count, int batchSize) => IsDistributed && count % batchSize % Communicator.Size != 0;

    /// <summary>
    /// After a step: (1/N)·Σ_r loss_r, the mean loss of the global batch (slices of equal size), and whether any rank
    /// was asked to stop (<paramref name="stopRequested"/> on one process). Every rank gets the same answer for the same
    /// step, so all stop after it: from the step's gradient all-reduce when it carried both, else from one all-reduce
    /// of (loss, flag).
    /// </summary>
    public (float Loss, bool Stop) AfterStep(float loss, bool stopRequested)
    {
        if (!IsDistributed) return (loss, stopRequested);
        bool stopCarried = false, anyStops = false;
        if (_lossNode is not null)
        {
            var slab = _session!.Parameters;
            stopCarried = slab.TakeReducedStop(out anyStops);
            if (slab.TakeReducedLoss(_lossNode, out float reduced) && stopCarried) return (reduced, anyStops);
        }
        _lossAndStop[0] = loss;
        _lossAndStop[1] = (stopCarried ? anyStops : stopRequested) ? 1 : 0;
        Communicator.AllReduceMean(_lossAndStop);
        return (_lossAndStop[0], _lossAndStop[1] > 0);
    }

    /// <summary>(Σ_r lossSum_r, Σ_r correct_r, Σ_r count_r): evaluation figures summed over the ranks.</summary>
    public (double LossSum, int Correct, int Count) Sum(double lossSum, int correct, int count)
    {
        if (!IsDistributed) return (lossSum, correct, count);
        _sums[0] = lossSum;
        _sums[1] = correct;
        _sums[2] = count;
        Communicator.AllReduceSum(_sums);
        return (_sums[0], (int)_sums[1], (int)_sums[2]);
    }
}
