namespace RnnNative;

public sealed partial class Session
{
    /// <summary>Threads the fused RNN nodes split the batch across (1: not split).</summary>
    internal int RnnThreads => 1;

    /// <summary>Stopwatch ticks the graph's thread has spent waiting for the RNN helper threads so far.</summary>
    internal long HelperWaitTicks => 0;
}
