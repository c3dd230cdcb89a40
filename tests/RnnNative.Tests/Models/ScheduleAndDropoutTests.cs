using RnnNative.Data;
using RnnNative.Models;
using RnnNative.Tests.Training;
using RnnNative.Training;

namespace RnnNative.Tests.Models;

/// <summary>SequenceClassifierOptions.CosineDecaySteps and .Dropout change training as the library defines them, and only training.</summary>
public class ScheduleAndDropoutTests
{
    private static SequenceClassifierOptions Options => TrainerTests.Model().Options;

    private static FeedDict Feeds(SequenceClassifier model, Dataset data)
    {
        var x = new float[data.Features.Length];
        var y = new int[data.Count];
        data.Gather(Enumerable.Range(0, data.Count).ToArray(), x, y);
        return new FeedDict { [model.X] = Tensor.FromArray(x, data.Count, data.Steps, data.Inputs), [model.Y] = Tensor.FromArray(y, data.Count) };
    }

    // The dense kernel after each of `steps` Adam updates on the same batch.
    private static float[][] KernelAfterSteps(SequenceClassifierOptions options, int steps)
    {
        var model = new SequenceClassifier(options);
        using var session = new Session(model.Graph);
        session.Run(model.Graph.GlobalVariablesInitializer());
        var feeds = Feeds(model, TrainerTests.Synthetic(64, 5));
        var kernel = model.Graph.GlobalVariables.Single(v => v.Name == "dense/kernel");
        var result = new float[steps][];
        for (int s = 0; s < steps; s++)
        {
            session.Run(model.TrainOp, feeds);
            result[s] = session.Read(kernel).ToFloatArray();
        }
        return result;
    }

    [Fact]
    public void CosineScheduleScalesEachUpdateByItsFactor()
    {
        // CosineDecay(D = 2): factors 1, 0.5, 0 for updates 1, 2, 3: the third update must not move the weights.
        var model = new SequenceClassifier(Options with { CosineDecaySteps = 2 });
        var schedule = Assert.IsType<CosineDecay>(model.Optimizer.Schedule);
        Assert.Equal(2, schedule.DecaySteps);
        Assert.Equal([1f, 0.5f, 0f], new[] { 0L, 1, 2 }.Select(s => schedule.Factor(s)));

        var decayed = KernelAfterSteps(Options with { CosineDecaySteps = 2 }, 3);
        var constant = KernelAfterSteps(Options, 3);
        Assert.Equal(constant[0], decayed[0]);               // factor 1: the same first update
        Assert.NotEqual(decayed[0], decayed[1]);             // factor 0.5: it moves
        Assert.Equal(decayed[1], decayed[2]);                // factor 0: it does not
        Assert.NotEqual(constant[1], constant[2]);           // a constant rate keeps moving
        Assert.Null(new SequenceClassifier(Options).Optimizer.Schedule);
    }

    [Fact]
    public void DropoutActsInTrainingStepsOnlyAndEvaluationMatchesTheModelWithoutIt()
    {
        var data = TrainerTests.Synthetic(90, 6);
        double DropGap(float dropout, out Checkpoint trained)
        {
            var model = new SequenceClassifier(Options with { Dropout = dropout });
            using var session = new Session(model.Graph);
            session.Run(model.Graph.GlobalVariablesInitializer());
            var trainer = new Trainer(model, session, new TrainerOptions { Epochs = 1, BatchSize = data.Count });
            double evalLoss = trainer.Evaluator.Evaluate(data).Loss, firstStepLoss = double.NaN;
            trainer.Progress = p => firstStepLoss = p.Loss; // one batch: the whole set, loss before the update
            trainer.Fit(data, null);
            trained = Checkpoint.Capture(session, model.Options);
            return Math.Abs(firstStepLoss - evalLoss);
        }
        double plainGap = DropGap(0f, out _), dropGap = DropGap(0.5f, out var withDropout);
        Assert.True(plainGap < 1e-5, $"no dropout: gap {plainGap}");                 // the training step sees the eval loss
        Assert.True(dropGap > 1e-3, $"dropout: gap {dropGap}");                      // the training step sees dropped outputs

        // Evaluation never drops: the dropout model's weights in a model without the wrapper score exactly the same.
        var dropoutModel = new SequenceClassifier(Options with { Dropout = 0.5f });
        var plainModel = new SequenceClassifier(Options);
        using var a = new Session(dropoutModel.Graph);
        using var b = new Session(plainModel.Graph);
        withDropout.Restore(a);
        withDropout.Restore(b);
        Assert.Equal(new Evaluator(plainModel, b, 32).Evaluate(data).Loss, new Evaluator(dropoutModel, a, 32).Evaluate(data).Loss);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceClassifier(Options with { Dropout = 1f }));
    }
}
