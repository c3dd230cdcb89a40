using System.Globalization;

namespace RnnNative.Training;

/// <summary>
/// Warns when training loss grows past a clear divergence threshold while staying finite (non-finite values
/// stop training instead: <see cref="TrainingDivergedException"/>).
/// </summary>
/// <remarks>
/// Rule: an epoch's mean train loss L warns when L &gt; <see cref="Factor"/> × R, where R is the smaller of the
/// reference loss given at construction (e.g. ln C, the cross-entropy of a uniform guess over C classes) and the
/// first epoch's mean train loss. A warning is given once per run.
/// </remarks>
public sealed class DivergenceWatch(double referenceLoss)
{
    /// <summary>How many times the reference loss an epoch's mean loss may reach before the warning.</summary>
    public const double Factor = 10;

    private double _reference = double.IsFinite(referenceLoss) && referenceLoss > 0 ? referenceLoss : double.PositiveInfinity;
    private bool _warned;

    /// <summary>The warning for an epoch with mean train loss <paramref name="trainLoss"/>, or null.</summary>
    public string? Observe(int epoch, double trainLoss)
    {
        if (!double.IsFinite(trainLoss)) return null;
        if (epoch == 1 && trainLoss > 0) _reference = Math.Min(_reference, trainLoss);
        if (_warned || !(trainLoss > Factor * _reference)) return null;
        _warned = true;
        return string.Create(CultureInfo.InvariantCulture,
            $"train loss {trainLoss:G4} at epoch {epoch} is more than {Factor:G}x the reference {_reference:G4}: training is diverging; try a lower learning rate.");
    }
}
