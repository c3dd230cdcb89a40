namespace RnnNative.Examples;

/// <summary>Where an iteration-based training loop of the examples stands after one step (for progress displays).</summary>
/// <param name="Step">Training steps done (1-based).</param>
/// <param name="Steps">Training steps planned.</param>
/// <param name="Loss">The loss of this step's batch, taken before its update.</param>
/// <param name="ItemsPerSecond">Training items (windows, characters...) per second so far.</param>
/// <param name="ElapsedSeconds">Wall time since training started.</param>
public readonly record struct StepProgress(int Step, int Steps, double Loss, double ItemsPerSecond, double ElapsedSeconds);
