namespace RnnNative.Training;

/// <summary>
/// A checkpoint file cannot be used: not a checkpoint, truncated, corrupt (checksum mismatch), written by an
/// incompatible format version, or holding variables that do not fit the model. The message names the file.
/// </summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The training loss became NaN or infinite.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
