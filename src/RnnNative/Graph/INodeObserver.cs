namespace RnnNative;

/// <summary>Called around each node's computation by a <see cref="Session"/> that has one (profiling).</summary>
internal interface INodeObserver
{
    /// <summary>Just before <paramref name="node"/> computes its output (its dims and storage are bound).</summary>
    void Before(Node node);

    /// <summary>Just after <paramref name="node"/> computed its output.</summary>
    void After(Node node);
}
