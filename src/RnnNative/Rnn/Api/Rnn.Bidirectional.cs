namespace RnnNative;

/// <summary>What <see cref="Rnn.BidirectionalDynamic"/> returns.</summary>
public sealed class BidirectionalRnnResult(DynamicRnnResult forward, DynamicRnnResult backward, Node backwardOutputs)
{
    /// <summary>The forward direction: outputs (B, T, H_fw) and final states.</summary>
    public DynamicRnnResult Forward { get; } = forward;

    /// <summary>The backward direction's final states (its outputs are in <see cref="BackwardOutputs"/>).</summary>
    public DynamicRnnResult Backward { get; } = backward;

    /// <summary>The backward direction's outputs re-aligned with the input's time order, (B, T, H_bw).</summary>
    public Node BackwardOutputs { get; } = backwardOutputs;

    /// <summary>Both directions' outputs joined along the last axis, (B, T, H_fw + H_bw).</summary>
    public Node ConcatenatedOutputs => Ops.Concat([Forward.Outputs, BackwardOutputs], -1);
}

public static partial class Rnn
{
    /// <summary>
    /// <c>bidirectional_dynamic_rnn</c>: one cell reads each sequence forward, the other reads its valid steps
    /// backward (<c>reverse_sequence</c> by length); variables under <c>{scope}/fw</c> and <c>{scope}/bw</c>.
    /// </summary>
    public static BidirectionalRnnResult BidirectionalDynamic(RnnCell cellFw, RnnCell cellBw, Node x, Node? sequenceLength = null,
        IReadOnlyList<Node>? initialStateFw = null, IReadOnlyList<Node>? initialStateBw = null, bool timeMajor = false,
        string scope = "bidirectional_rnn", bool useFusedKernels = true)
    {
        if (ReferenceEquals(cellFw, cellBw)) throw new ArgumentException("The two directions need distinct cell objects.");
        using var _ = x.Graph.NameScope(scope);
        var forward = Dynamic(cellFw, x, sequenceLength, initialStateFw, timeMajor, "fw", useFusedKernels);
        var reversed = new ReverseSequenceOp(x, sequenceLength, timeMajor);
        var backward = Dynamic(cellBw, reversed, sequenceLength, initialStateBw, timeMajor, "bw", useFusedKernels);
        return new BidirectionalRnnResult(forward, backward, new ReverseSequenceOp(backward.Outputs, sequenceLength, timeMajor));
    }
}
