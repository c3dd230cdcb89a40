using System.Diagnostics;
using RnnNative.Data;

namespace RnnNative.Training;

/// <summary>
/// The one training loop: epochs of seeded, shuffled mini-batches of any graph, <c>sess.run([train_op, loss,
/// *extra], feed_dict)</c> per batch, with progress after every batch, an evaluation and a callback (the
/// checkpoint hook) after every epoch, an optional budget of steps, and cancellation after a batch.
/// </summary>
/// <remarks>
/// <para>Per step: <see cref="IBatchSource.Fill"/> writes batch b of the epoch's order into preallocated feeds,
/// the session runs the fetches, the loss and then every updated variable of the parameter slab are checked (a NaN
/// or infinite value throws <see cref="TrainingDivergedException"/>, before any callback can save the state; so does a
/// non-finite evaluated metric whose name ends in <c>loss</c>), the source sees the extra fetched values
/// (<see cref="IBatchSource.StepCompleted"/>) and <see cref="Progress"/> is called. The loop itself allocates
/// nothing per step beyond what <see cref="Session.Run(IReadOnlyList{Node}, FeedDict?)"/> returns.</para>
/// <para>The order of epoch e (1-based) is <see cref="Batcher.BeginEpoch"/>(e − 1) of a batcher seeded with
/// <see cref="TrainingLoopOptions.ShuffleSeed"/>, so it depends only on (seed, e). The train loss of an epoch is
/// the mean of its batch losses, each fetched in the same run as its update (the loss before the update).</para>
/// <para>A run ends after <see cref="TrainingLoopOptions.Epochs"/> epochs, after
/// <see cref="TrainingLoopOptions.MaxSteps"/> steps (possibly inside an epoch, which is then reported with
/// <see cref="EpochResult.Completed"/> = false), or after the batch during which cancellation was requested
/// (that epoch too is evaluated and reported, not completed); under a communicator, after the step in which any rank's
/// token was found cancelled, the same step on every rank (<see cref="StoppedByRequest"/>).</para>
/// <para><see cref="State"/> and <see cref="EpochLossSum"/> are the loop position an exact resume saves (with the
/// optimizer's moments and step, see <see cref="ResumeState"/>) and gives back to <see cref="Continue(IBatchSource, TrainingState, double, CancellationToken)"/>;
/// <see cref="BatchCompleted"/> is where to save it every N steps. The caller initialises (or restores) the variables first.</para>
/// </remarks>
public sealed class TrainingLoop
{
    private readonly Session _session;
    private readonly Node[] _fetches;
    private readonly Stopwatch _clock = new();
    private readonly DistributedTraining _ranks;
    private Batcher? _batcher;
    private bool _stopRequested;
    private bool _stopAgreed;   // distributed: some rank was asked to stop, learnt by every rank in the same step

    /// <summary>A loop running <paramref name="trainOp"/> and fetching <paramref name="loss"/> (a scalar) and <paramref name="extraFetches"/> each step.</summary>
    public TrainingLoop(Session session, Node trainOp, Node loss, TrainingLoopOptions options, IReadOnlyList<Node>? extraFetches = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, "options.BatchSize");
        if (options.Epochs is < 0) throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, "Epochs must be >= 0.");
        if (options.MaxSteps is < 0) throw new ArgumentOutOfRangeException(nameof(options), options.MaxSteps, "MaxSteps must be >= 0.");
        if (options.Epochs is null && options.MaxSteps is null)
            throw new ArgumentException("Give the loop a bound: Epochs, MaxSteps or both.", nameof(options));
        _session = session;
        Options = options;
        _fetches = [trainOp, loss, .. extraFetches ?? []];
        _ranks = new DistributedTraining(options.Communicator, session, loss);
        State = new TrainingState(1, 0, 0, options.ShuffleSeed);
    }

    /// <summary>Epochs, step budget, batch size, shuffling.</summary>
    public TrainingLoopOptions Options { get; }

    /// <summary>Where the loop stands: the current epoch, batches done in it, steps done in all, the shuffle seed.</summary>
    public TrainingState State { get; private set; }

    /// <summary>Called after every training batch (on the training thread).</summary>
    public Action<TrainingProgress>? Progress { get; set; }

    /// <summary>
    /// Called after every training batch, after <see cref="Progress"/> and with the same figures, <see cref="State"/> and
    /// <see cref="EpochLossSum"/> up to date: the place to save a resumable state every N steps. A state saved after an
    /// epoch's last batch resumes at the next epoch, skipping that epoch's evaluation and <see cref="EpochCompleted"/>:
    /// save at epoch ends from <see cref="EpochCompleted"/> instead.
    /// </summary>
    public Action<TrainingProgress>? BatchCompleted { get; set; }

    /// <summary>The sum of the current epoch's batch losses so far (what a resume carries so the epoch's train loss is unchanged).</summary>
    public double EpochLossSum { get; private set; }

    /// <summary>Called after every epoch's training: named metrics of the model (e.g. <c>test_loss</c>), kept in <see cref="EpochResult.Metrics"/>.</summary>
    public Func<EpochResult, IReadOnlyDictionary<string, double>>? Evaluate { get; set; }

    /// <summary>Called after every epoch once it is evaluated: the place to save a checkpoint.</summary>
    public Action<EpochResult>? EpochCompleted { get; set; }

    /// <summary>Wall time spent in training batches so far (evaluation and callbacks excluded).</summary>
    public TimeSpan TrainingTime { get; private set; }

    /// <summary>Items trained so far over all ranks (examples, or what the source counts).</summary>
    public long ItemsTrained { get; private set; }

    /// <summary>Ends <see cref="Fit"/> after the current epoch (e.g. early stopping, from <see cref="EpochCompleted"/>).</summary>
    public void RequestStop() => _stopRequested = true;

    /// <summary>
    /// Whether the last run ended because a stop was requested through its cancellation token: on one process that
    /// token; under <see cref="TrainingLoopOptions.Communicator"/> any rank's, which every rank learns from the same
    /// step's all-reduce, so all ranks stop after that same step.
    /// </summary>
    public bool StoppedByRequest { get; private set; }

    /// <summary>Whether <see cref="TrainingLoopOptions.MaxSteps"/> steps are done.</summary>
    public bool BudgetSpent => State.Step >= (Options.MaxSteps ?? long.MaxValue);

    /// <summary>A run from epoch 1 and step 0: epoch after epoch until a bound or cancellation; returns every epoch's result.</summary>
    public IReadOnlyList<EpochResult> Fit(IBatchSource data, CancellationToken cancellation = default) =>
        Continue(data, new TrainingState(1, 0, 0, Options.ShuffleSeed), cancellation);

    /// <summary>
    /// A run continued from <paramref name="start"/> (a <see cref="State"/> saved earlier): epoch
    /// <c>start.Epoch</c>'s order replayed from batch <c>start.Batch + 1</c>, then the following epochs. With the
    /// variables (weights and optimizer slots) as they were at <paramref name="start"/>, the run ends bit-identical
    /// to one that was never stopped.
    /// </summary>
    /// <remarks>The first epoch's reported train loss is the mean over the batches run here only.</remarks>
    public IReadOnlyList<EpochResult> Continue(IBatchSource data, TrainingState start, CancellationToken cancellation = default) =>
        Continue(data, start, startEpochLossSum: null, cancellation);

    /// <summary>
    /// <see cref="Continue(IBatchSource, TrainingState, CancellationToken)"/> with the sum of the batch losses of
    /// <c>start.Epoch</c>'s first <c>start.Batch</c> batches (<see cref="EpochLossSum"/> when <paramref name="start"/> was
    /// taken): that epoch's reported train loss is then the mean over all its batches, as in a run never stopped.
    /// </summary>
    public IReadOnlyList<EpochResult> Continue(IBatchSource data, TrainingState start, double startEpochLossSum,
        CancellationToken cancellation = default) => Continue(data, start, (double?)startEpochLossSum, cancellation);

    private IReadOnlyList<EpochResult> Continue(IBatchSource data, TrainingState start, double? startEpochLossSum, CancellationToken cancellation)
    {
        if (start.ShuffleSeed != Options.ShuffleSeed)
            throw new ArgumentException($"The state's shuffle seed {start.ShuffleSeed} is not the loop's {Options.ShuffleSeed}.", nameof(start));
        if (start.Epoch < 1 || start.Batch < 0 || start.Step < 0)
            throw new ArgumentOutOfRangeException(nameof(start), start, "The state needs epoch >= 1, batch >= 0, step >= 0.");
        int batches = BatcherFor(data).BatchesPerEpoch;
        if (start.Batch > batches)
            throw new ArgumentOutOfRangeException(nameof(start), start, $"An epoch has {batches} batches; the state is past its end.");
        if (start.Batch == batches) (start, startEpochLossSum) = (start with { Epoch = start.Epoch + 1, Batch = 0 }, null);
        var history = new List<EpochResult>();
        State = start;
        (_stopRequested, _stopAgreed) = (false, false);
        _clock.Restart();
        for (int epoch = start.Epoch; (Options.Epochs is not { } e || epoch <= e) && !BudgetSpent && !_stopRequested && !MustStop(cancellation); epoch++)
        {
            bool first = epoch == start.Epoch;
            var result = TrainEpoch(data, epoch, first ? start.Batch : 0, first ? startEpochLossSum : null, cancellation);
            if (Evaluate?.Invoke(result) is { } metrics) result = result with { Metrics = CheckLossesFinite(metrics, epoch) };
            result = result with { ElapsedSeconds = _clock.Elapsed.TotalSeconds };
            history.Add(result);
            EpochCompleted?.Invoke(result);
            if (!result.Completed) break;
        }
        StoppedByRequest = MustStop(cancellation);
        return history;
    }

    // One process stops on its own token, checked before each step. Ranks stop only on the flag they all got from the
    // same step's reduction (each rank's token is read inside that step): a rank's own token could be seen at
    // another step than the other ranks', leaving one rank waiting in an all-reduce the others never join.
    private bool MustStop(CancellationToken cancellation) => _ranks.IsDistributed ? _stopAgreed : cancellation.IsCancellationRequested;

    /// <summary>
    /// One pass over <paramref name="data"/> in the order of <paramref name="epoch"/> (1-based), stopped early by
    /// the step budget or cancellation; no evaluation or callback.
    /// </summary>
    /// <exception cref="ArgumentException">The source is empty, or has no full batch when partial batches are dropped.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public EpochResult TrainEpoch(IBatchSource data, int epoch, CancellationToken cancellation = default)
    {
        _stopAgreed = false;
        return TrainEpoch(data, epoch, 0, null, cancellation);
    }

    // The epoch's batches from index `first` (0-based) on; with `carriedLossSum` (the losses of batches 0..first-1)
    // the reported mean is over the whole epoch, else over the batches run here.
    private EpochResult TrainEpoch(IBatchSource data, int epoch, int first, double? carriedLossSum, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epoch);
        var batcher = BatcherFor(data);
        batcher.BeginEpoch(epoch - 1);
        if (!_clock.IsRunning) _clock.Start();
        State = State with { Epoch = epoch, Batch = first };
        _session.Parameters.StopRequest = cancellation;
        long start = Stopwatch.GetTimestamp();
        double rate = 0;
        int batches = batcher.BatchesPerEpoch, done = first, counted = carriedLossSum is null ? first : 0;
        EpochLossSum = carriedLossSum ?? 0;
        int examplesPerEpoch = batcher.DropLast ? batches * batcher.BatchSize : batcher.Count;
        int items = 0, itemsPerEpoch = examplesPerEpoch * data.ItemsPerExample;
        while (done < batches && !BudgetSpent && !MustStop(cancellation))
        {
            float loss = Step(data, batcher.BatchIndices(done), epoch, done, cancellation);
            EpochLossSum += loss;
            items += batcher.GlobalBatchIndices(done).Length * data.ItemsPerExample;
            done++;
            double epochSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            rate = items / Math.Max(epochSeconds, 1e-9);
            var progress = new TrainingProgress(epoch, done, batches, items, itemsPerEpoch, EpochLossSum / (done - counted), rate)
            {
                Step = State.Step, PlannedSteps = PlannedSteps(batches), Loss = loss, ElapsedSeconds = _clock.Elapsed.TotalSeconds,
            };
            Progress?.Invoke(progress);
            BatchCompleted?.Invoke(progress);
        }
        TrainingTime += Stopwatch.GetElapsedTime(start);
        ItemsTrained += items;
        return new EpochResult(epoch, done == counted ? double.NaN : EpochLossSum / (done - counted), done - first, items, rate, _clock.Elapsed.TotalSeconds, done == batches);
    }

    // One update on the batch at `indices`: fill, run, check the loss, hand the extra values to the source.
    private float Step(IBatchSource data, ReadOnlySpan<int> indices, int epoch, int batch, CancellationToken cancellation)
    {
        var feeds = data.Fill(indices);
        var values = _session.Run(_fetches, feeds.Feeds);
        (float loss, bool stop) = _ranks.AfterStep(values[1]!.ToScalar(), cancellation.IsCancellationRequested);
        _stopAgreed |= stop;
        if (!float.IsFinite(loss))
            throw new TrainingDivergedException(
                $"The training loss became {loss} at epoch {epoch}, batch {batch + 1} (step {State.Step + 1}); try a lower learning rate.");
        CheckParametersFinite(epoch, batch);
        State = State with { Batch = batch + 1, Step = State.Step + 1 };
        data.StepCompleted(feeds, values.AsSpan(2));
        return loss;
    }

    // After the update: every variable of the parameter slab must be finite, or the run stops before anything
    // (a checkpoint, an evaluation) sees the broken state. Optimizer slots live outside the slab: a non-finite
    // moment shows up here through the weights it updates.
    private void CheckParametersFinite(int epoch, int batch)
    {
        var slab = _session.Parameters;
        int bad = FiniteCheck.FirstNonFinite(slab.Values);
        if (bad < 0) return;
        string name = VariableAt(slab, bad);
        throw new TrainingDivergedException(
            $"The update at epoch {epoch}, batch {batch + 1} (step {State.Step + 1}) made '{name}' {slab.Values[bad]}; " +
            "training stopped before saving it; try a lower learning rate.");
    }

    // Finite weights can still overflow the model's outputs (weights near float.MaxValue): a NaN or infinite
    // evaluated loss stops the run before the epoch's callback saves it.
    private static IReadOnlyDictionary<string, double> CheckLossesFinite(IReadOnlyDictionary<string, double> metrics, int epoch)
    {
        foreach (var (name, value) in metrics)
            if (name.EndsWith("loss", StringComparison.Ordinal) && !double.IsFinite(value))
                throw new TrainingDivergedException(
                    $"The model after epoch {epoch} evaluates to {name} {value}: its outputs overflow; " +
                    "training stopped before saving it; try a lower learning rate.");
        return metrics;
    }

    private static string VariableAt(ParameterSlab slab, int index)
    {
        foreach (var v in slab.Variables)
        {
            int offset = slab.OffsetOf(v);
            if (index >= offset && index < offset + v.Shape.ElementCount) return v.Name;
        }
        return $"parameter #{index}";
    }

    private Batcher BatcherFor(IBatchSource data)
    {
        if (data.Count == 0) throw new ArgumentException("The training set is empty.", nameof(data));
        if (_batcher is null || _batcher.Count != data.Count)
            _batcher = new Batcher(data.Count, Options.BatchSize, Options.ShuffleSeed, Options.Shuffle,
                Options.DropLastPartialBatch || _ranks.MustDropLastBatch(data.Count, Options.BatchSize), _ranks.Shard);
        if (_batcher.BatchesPerEpoch == 0)
            throw new ArgumentException($"The training set has {data.Count} examples, fewer than one batch of {Options.BatchSize}, and partial batches are dropped.", nameof(data));
        return _batcher;
    }

    // Steps the whole run will take: the budget, or every batch of every epoch, whichever is fewer.
    private long PlannedSteps(int batchesPerEpoch)
    {
        long byEpochs = Options.Epochs is { } e ? (long)e * batchesPerEpoch : long.MaxValue;
        return Math.Min(byEpochs, Options.MaxSteps ?? long.MaxValue);
    }
}
