namespace RnnNative;

/// <summary>Values for placeholders in one <see cref="Session"/> run: <c>new FeedDict { [X] = xBatch }</c>.</summary>
/// <remarks>Tensors are read in place, not copied: refill a fed tensor's storage to avoid allocation per step.</remarks>
public sealed class FeedDict : Dictionary<Node, Tensor>
{
}
