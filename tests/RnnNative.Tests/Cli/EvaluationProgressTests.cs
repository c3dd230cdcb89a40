using RnnNative.Cli;
using RnnNative.Training;
using RnnNative.Tests.Training;

namespace RnnNative.Tests.Cli;

/// <summary>Evaluation in chunks for the progress display gives what one <see cref="Evaluator"/> call gives.</summary>
public class EvaluationProgressTests
{
    private static ProgressDisplay Display(StringWriter output) =>
        new ProgressDisplay(Consoles.Create(output, terminal: false), "eval", "examples", rateUnit: "examples/s").BeginAt(0);

    [Theory]
    [InlineData(203, 4)]    // 51 batches, the last partial: a chunk per batch
    [InlineData(1003, 4)]   // 251 batches: chunks of 3 batches
    public void ChunkedEvaluationEqualsOneCall(int count, int batch)
    {
        var data = TrainerTests.Synthetic(count, 11);
        var model = TrainerTests.Model(seed: 5);
        using var session = new Session(model.Graph);
        session.Run(model.Graph.GlobalVariablesInitializer());
        var evaluator = new Evaluator(model, session, batch);
        var output = new StringWriter();

        var whole = evaluator.Evaluate(data, withPredictions: true);
        var chunked = EvaluationProgress.Evaluate(evaluator, data, withPredictions: true, Display(output));
        Assert.Equal(whole.Predictions, chunked.Predictions);
        Assert.Equal((whole.Correct, whole.Count), (chunked.Correct, chunked.Count));
        Assert.Equal(whole.Loss, chunked.Loss, 1e-12);
        Assert.Equal(10, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);   // a line per tenth
        Assert.Contains($"progress eval: 100% {count:N0}/{count:N0} examples", output.ToString());

        var probabilities = EvaluationProgress.Probabilities(evaluator, data, model.Options.Classes, Display(new StringWriter()));
        Assert.Equal(evaluator.Probabilities(data), probabilities);
    }

    [Fact]
    public void AHandfulOfBatchesRunsInOneCallWithNoDisplay()
    {
        var data = TrainerTests.Synthetic(20, 12);
        var model = TrainerTests.Model(seed: 5);
        using var session = new Session(model.Graph);
        session.Run(model.Graph.GlobalVariablesInitializer());
        var evaluator = new Evaluator(model, session, batchSize: 4);   // 5 batches
        var output = new StringWriter();
        var result = EvaluationProgress.Evaluate(evaluator, data, withPredictions: false, Display(output));
        Assert.Equal(evaluator.Evaluate(data).Loss, result.Loss);
        Assert.Equal("", output.ToString());
    }
}
