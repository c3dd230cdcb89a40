using RnnNative.Training;

namespace RnnNative.Tests.Training;

public class EarlyStoppingTests
{
    private static Dictionary<string, double> Loss(double value) => new() { [EarlyStopping.ValidationLoss] = value };

    [Fact]
    public void LossMonitorKeepsTheLowestEpochAndStopsAfterPatienceEpochsWithoutImprovement()
    {
        var stopping = new EarlyStopping(EarlyStopping.ValidationLoss, patience: 3);
        double[] losses = [1.0, 0.8, 0.9, 0.8, 0.95];
        bool[] improved = losses.Select((v, e) => stopping.Observe(e + 1, Loss(v))).ToArray();
        Assert.Equal([true, true, false, false, false], improved); // epoch 4 ties epoch 2: the earlier stays best
        Assert.Equal(2, stopping.BestEpoch);
        Assert.Equal(0.8, stopping.BestValue);
        Assert.True(stopping.ShouldStop); // epochs 3, 4, 5 did not improve
    }

    [Fact]
    public void AccuracyMonitorPrefersHigherValuesAndNaNNeverImproves()
    {
        var stopping = new EarlyStopping(EarlyStopping.ValidationAccuracy, patience: 2);
        Assert.True(stopping.HigherIsBetter);
        Assert.False(stopping.Observe(1, new Dictionary<string, double> { ["val_accuracy"] = double.NaN }));
        Assert.True(stopping.Observe(2, new Dictionary<string, double> { ["val_accuracy"] = 0.5 }));
        Assert.True(stopping.Observe(3, new Dictionary<string, double> { ["val_accuracy"] = 0.6 }));
        Assert.False(stopping.Observe(4, new Dictionary<string, double> { ["val_accuracy"] = 0.55 }));
        Assert.False(stopping.ShouldStop);
        Assert.Equal(3, stopping.BestEpoch);
    }

    [Fact]
    public void WithoutPatienceItNeverStopsAndAMissingMetricIsNamed()
    {
        var stopping = new EarlyStopping();
        for (int e = 1; e <= 20; e++) stopping.Observe(e, Loss(e));
        Assert.False(stopping.ShouldStop);
        Assert.Equal(1, stopping.BestEpoch);
        var error = Assert.Throws<ArgumentException>(() => new EarlyStopping("val_auc").Observe(1, Loss(1)));
        Assert.Contains("val_auc", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(patience: 0));
    }

    [Fact]
    public void TrainerStopsAtTheEpochTheValidationLossRuleGivesAndMarksTheBestByValidation()
    {
        // A tiny training set overfits: the validation loss falls, then rises.
        var train = TrainerTests.Synthetic(24, 1);
        var validation = TrainerTests.Synthetic(200, 2);
        const int epochs = 80, patience = 4;
        var full = Run(train, validation, epochs, new EarlyStopping());
        var stopped = Run(train, validation, epochs, new EarlyStopping(patience: patience));

        // Independent rule on the full run's validation losses: stop at the first epoch e with
        // e - argmin(loss[1..e]) >= patience (first minimum on ties).
        double[] losses = full.Select(m => m.ValidationLoss).ToArray();
        int expectedStop = epochs, best = 1;
        for (int e = 1; e <= epochs; e++)
        {
            if (losses[e - 1] < losses[best - 1]) best = e;
            if (e - best >= patience) { expectedStop = e; break; }
        }
        Assert.True(expectedStop < epochs, "the validation loss never stopped improving; the test needs an overfitting problem");
        Assert.Equal(expectedStop, stopped.Count);
        Assert.Equal(losses[..expectedStop], stopped.Select(m => m.ValidationLoss)); // same run up to the stop
        int bestUpToStop = Array.IndexOf(losses, losses[..expectedStop].Min()) + 1;
        Assert.Equal(bestUpToStop, stopped.Last(m => m.IsBest).Epoch);
        Assert.All(stopped, m => Assert.True(double.IsNaN(m.TestLoss) && double.IsNaN(m.TestAccuracy))); // the test set is not touched
        Assert.All(stopped, m => Assert.InRange(m.ValidationAccuracy, 0, 1));
    }

    private static IReadOnlyList<EpochMetrics> Run(RnnNative.Data.Dataset train, RnnNative.Data.Dataset validation, int epochs, EarlyStopping stopping)
    {
        var model = TrainerTests.Model();
        using var session = new Session(model.Graph);
        session.Run(model.Graph.GlobalVariablesInitializer());
        var trainer = new Trainer(model, session, new TrainerOptions { Epochs = epochs, BatchSize = 8, ShuffleSeed = 3 });
        return trainer.FitWithValidation(train, validation, stopping);
    }
}
