using RnnNative.Training;

namespace RnnNative.Examples;

/// <summary>
/// A <see cref="ForecastModel"/> in the one <see cref="Checkpoint"/> format (kind <see cref="Kind"/>): its weights and
/// the options that rebuild its graph. The learning-rate schedule is a training setting and is not saved.
/// </summary>
public static class ForecastCheckpoint
{
    /// <summary>The model kind written into the checkpoint.</summary>
    public const string Kind = "forecast";

    private sealed record SavedOptions(int Steps, int Units, float LearningRate, int Seed);

    /// <summary>The model's variables in <paramref name="session"/>, with its options and <paramref name="metadata"/>.</summary>
    public static Checkpoint Capture(Session session, ForecastOptions options, IReadOnlyDictionary<string, string>? metadata = null) =>
        Checkpoint.Capture(session, Kind, new SavedOptions(options.Steps, options.Units, options.LearningRate, options.Seed), metadata);

    /// <summary>The options that rebuild the saved model's graph.</summary>
    /// <exception cref="CheckpointException">The checkpoint holds another kind of model.</exception>
    public static ForecastOptions Options(Checkpoint checkpoint)
    {
        var saved = checkpoint.ReadOptions<SavedOptions>(Kind);
        return new ForecastOptions { Steps = saved.Steps, Units = saved.Units, LearningRate = saved.LearningRate, Seed = saved.Seed };
    }

    /// <summary>Rebuilds the model, opens its session with <paramref name="openSession"/> (default: <c>new Session(graph)</c>) and restores the weights.</summary>
    public static (ForecastTrainer Trainer, Session Session) Restore(Checkpoint checkpoint, Func<Graph, Session>? openSession = null)
    {
        var model = new ForecastModel(Options(checkpoint));
        var session = openSession?.Invoke(model.Graph) ?? new Session(model.Graph);
        try
        {
            checkpoint.Restore(session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        return (new ForecastTrainer(model, session), session);
    }
}
