using System.Globalization;
using RnnNative.Data;
using RnnNative.Distributed;
using RnnNative.Models;
using RnnNative.Training;

namespace RnnNative.Cli;

/// <summary>
/// The pieces of one <c>rnn train</c> run, built from its options: the data and its splits, the model, the session,
/// the trainer and early stopping. The same on every rank of an <c>mpirun</c> job.
/// </summary>
internal sealed class TrainRun : IDisposable
{
    private TrainRun(CommandLine args, ICommunicator ranks, int batch, int epochs, TrainingData data, SequenceClassifierOptions options)
    {
        Args = args;
        Ranks = ranks;
        Batch = batch;
        Epochs = epochs;
        Data = data;
        Options = options;
        Model = new SequenceClassifier(options);
    }

    public CommandLine Args { get; }
    public ICommunicator Ranks { get; }
    public int Batch { get; }
    public int Epochs { get; }
    public TrainingData Data { get; }
    public SequenceClassifierOptions Options { get; }
    public SequenceClassifier Model { get; }
    public Session Session { get; private set; } = null!;
    public Trainer Trainer { get; private set; } = null!;
    public EarlyStopping? Stopping { get; private set; }
    public Dataset Train { get; private set; } = null!;
    public Dataset? Validation { get; private set; }
    public string ValidationText { get; private set; } = "";

    /// <summary>Loads the data, builds the model and opens its session with freshly initialised weights.</summary>
    public static TrainRun Create(CommandLine a)
    {
        int seed = a.Int("--seed", 0) ?? 42;
        int batch = a.Int("--batch", 1, 1 << 20) ?? 150;
        var ranks = TrainRanks.Join(batch);
        var (backend, threads) = Backends.Parse(a);
        var options = new SequenceClassifierOptions
        {
            Units = a.Int("--units", 1, 1 << 16) ?? 150,
            Layers = a.Int("--layers", 1, 64) ?? 1,
            Cell = a.Choice("--cell", TrainCommand.Cells) ?? CellType.Basic,
            LearningRate = a.PositiveSingle("--lr") ?? 0.001f,
            Seed = seed,
        };
        int? epochsOption = a.Int("--epochs", 1, 1 << 20), limit = a.Int("--limit", 1);
        var validationChoice = ValidationChoice.Parse(a);
        var regularization = RegularizationChoice.Parse(a);
        var data = DataSource.ForTraining(DataSource.Resolve(a.String("--data")), (ulong)seed, limit, CsvChoice.Parse(a));
        bool idx = data.Metadata[Meta.DataKind] == Meta.Idx;
        int epochs = epochsOption ?? (idx ? TrainCommand.IdxEpochs : TrainCommand.CsvEpochs);
        options = options with { Steps = data.Train.Steps, Inputs = data.Train.Inputs, Classes = Math.Max(data.Train.Classes, data.Test.Classes) };
        var (train, validation, validationText) = validationChoice.Apply(data.Train, (ulong)seed, idx, data.Metadata);
        options = regularization.Apply(options, train.Count, batch, epochs);
        TrainChecks.Check(options, batch);
        var run = new TrainRun(a, ranks, batch, epochs, data, options)
        {
            Train = train, Validation = validation, ValidationText = validationText, Stopping = validationChoice.Stopping(),
        };
        run.Session = Backends.OpenSession(run.Model.Graph, backend, threads, Backends.ParsePrecision(a));
        run.Session.Run(run.Model.Graph.GlobalVariablesInitializer());
        run.Trainer = new Trainer(run.Model, run.Session, new TrainerOptions
        {
            Epochs = epochs, BatchSize = batch, ShuffleSeed = (ulong)seed, Communicator = TrainRanks.ForTrainer(ranks),
        });
        return run;
    }

    /// <summary>
    /// Trains (every rank runs the same fit: the same collectives in the same order; a stop requested on any rank
    /// stops every rank after the same step, <see cref="TrainingLoop.StoppedByRequest"/>).
    /// </summary>
    public IReadOnlyList<EpochMetrics> Fit(CancellationToken cancellation)
    {
        using var testStop = StopHookForTests.Attach(Trainer.Loop, Ranks.Rank, cancellation);
        var token = testStop?.Token ?? cancellation;
        return Validation is null ? Trainer.Fit(Train, null, token) : Trainer.FitWithValidation(Train, Validation, Stopping, token);
    }

    /// <summary>
    /// The options that rebuild this run exactly: those given, with the data's full path and the epochs, backend,
    /// threads and cosine decay length in effect (defaults can change with the folder or the machine); without
    /// --out, --overwrite, --quiet and --resume, which are about this invocation.
    /// </summary>
    public Dictionary<string, string> SavedOptions()
    {
        var saved = Args.Values.Where(p => p.Key is not ("--out" or "--resume")).ToDictionary(p => p.Key, p => p.Value);
        saved["--data"] = Data.Metadata[Meta.DataPath];
        saved["--epochs"] = Epochs.ToString(CultureInfo.InvariantCulture);
        saved["--backend"] = Backends.Name(Session.Blas.Kind);
        saved["--threads"] = (Backends.Parse(Args).Threads ?? new SessionOptions().Threads).ToString(CultureInfo.InvariantCulture);
        if (Options.CosineDecaySteps is long steps) saved["--decay-steps"] = steps.ToString(CultureInfo.InvariantCulture);
        return saved;
    }

    public void Dispose() => Session?.Dispose();
}
