// The README's second code block (between the markers): the same model as the library's SequenceClassifier,
// trained by its Trainer with a validation set and early stopping; the test set is scored once, on the chosen model.
// Run: dotnet run -c Release --project examples/Classifier
// <classifier>
using RnnNative;
using RnnNative.Data;
using RnnNative.Models;
using RnnNative.Training;

var digits = CsvDataset.Load(args.Length > 0 ? args[0] : "data/digits.csv.gz", new CsvOptions { Steps = 8 });
var (trainAll, test) = digits.Split(0.2, seed: 42);                 // the test set: scored once, at the end
var (train, validation) = trainAll.Split(validationCount: 144, seed: 42);

var model = new SequenceClassifier(new SequenceClassifierOptions { Steps = 8, Inputs = 8, Units = 64, LearningRate = 0.01f });
using var session = new Session(model.Graph);
session.Run(model.Graph.GlobalVariablesInitializer());
var trainer = new Trainer(model, session, new TrainerOptions { Epochs = 30, BatchSize = 50 });
var stopping = new EarlyStopping(EarlyStopping.ValidationLoss, patience: 3);
trainer.EpochCompleted = m =>
{
    Console.WriteLine($"epoch {m.Epoch}: train loss {m.TrainLoss:F4}, val loss {m.ValidationLoss:F4}, val accuracy {m.ValidationAccuracy:P2}");
    if (m.IsBest) Checkpoint.Capture(session, model.Options).Save("best.ckpt");
};
trainer.FitWithValidation(train, validation, stopping);              // Dataset in, EpochMetrics out

Checkpoint.Load("best.ckpt").Restore(session);                        // the epoch with the lowest validation loss
var score = trainer.Evaluator.Evaluate(test);
Console.WriteLine($"test accuracy of the chosen model (epoch {stopping.BestEpoch}): {score.Accuracy:P2}");
// </classifier>
