using RnnNative.Blas;
using RnnNative.Models;
using RnnNative.Training;

namespace RnnNative.Cli;

/// <summary>The files of a run folder (<c>--out</c>): the last and best checkpoints, metrics, the plot and the resume state.</summary>
internal sealed class RunFolder(string path)
{
    public const string LastName = "model.ckpt", BestName = "best.ckpt";
    public string Path { get; } = path;
    public string Last => System.IO.Path.Combine(Path, LastName);
    public string Best => System.IO.Path.Combine(Path, BestName);
    public string Metrics => System.IO.Path.Combine(Path, "metrics.csv");
    public string Plot => System.IO.Path.Combine(Path, "training.png");
    public string Resume => System.IO.Path.Combine(Path, TrainResume.FileName);
}

/// <summary>A checkpoint rebuilt into a model and a session holding its weights.</summary>
internal sealed class LoadedModel : IDisposable
{
    private LoadedModel(string path, Checkpoint checkpoint, SequenceClassifier model, Session session)
    {
        Path = path;
        Checkpoint = checkpoint;
        Model = model;
        Session = session;
    }

    public string Path { get; }
    public Checkpoint Checkpoint { get; }
    public SequenceClassifier Model { get; }
    public Session Session { get; }

    /// <summary>The examples per evaluation batch used in training (so results reproduce exactly), else 150.</summary>
    public int EvalBatch => int.TryParse(Checkpoint.Metadata.GetValueOrDefault(Meta.EvalBatch), out int b) && b > 0 ? b : 150;

    /// <summary>Loads <c>--model</c>: a checkpoint file, or a run folder (its <c>model.ckpt</c>).</summary>
    public static LoadedModel Open(string model, BlasKind? backend, int? threads)
    {
        string path = Directory.Exists(model) ? new RunFolder(model).Last : model;
        if (!File.Exists(path))
            throw new FileNotFoundException(Directory.Exists(model)
                ? $"'{model}' has no {RunFolder.LastName} (train into it with rnn train --out {model})."
                : $"model '{model}' not found (a run folder or a .ckpt file).");
        var checkpoint = Checkpoint.Load(path);
        CheckFinite(checkpoint, path);
        SequenceClassifier classifier;
        try
        {
            classifier = new SequenceClassifier(checkpoint.ClassifierOptions);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException($"'{path}' holds model options this build cannot build: {e.Message}", e);
        }
        var session = Backends.OpenSession(classifier.Graph, backend, threads);
        try
        {
            checkpoint.Restore(session, path);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        return new LoadedModel(path, checkpoint, classifier, session);
    }

    // A diverged run's NaN or Inf weights would print NaN probabilities: refuse them like non-finite inputs.
    private static void CheckFinite(Checkpoint checkpoint, string path)
    {
        foreach (var (name, tensor) in checkpoint.Variables)
        {
            if (tensor.DType != DType.Float32) continue;
            float[] values = tensor.ToFloatArray();
            int bad = Array.FindIndex(values, v => !float.IsFinite(v));
            if (bad >= 0)
                throw new CheckpointException(
                    FormattableString.Invariant($"'{path}': variable '{name}' holds {values[bad]} at index {bad}; the weights of a diverged run cannot predict."));
        }
    }

    /// <summary>Checks that a data set fits the model (steps, inputs, classes) with a one-line error.</summary>
    public void CheckFits(RnnNative.Data.Dataset data, string source)
    {
        var o = Model.Options;
        if (data.Steps != o.Steps || data.Inputs != o.Inputs)
            throw new CliException($"{source} has {data.Steps} steps x {data.Inputs} inputs but the model takes {o.Steps} x {o.Inputs}.");
        if (data.Classes > o.Classes)
            throw new CliException($"{source} has labels up to {data.Classes - 1} but the model has {o.Classes} classes.");
    }

    public void Dispose() => Session.Dispose();
}
