namespace RnnNative.Kernels;

/// <summary>The trainable buffers of one cell, in TensorFlow's layout (see <see cref="RnnCellSpec"/>).</summary>
/// <remarks>
/// kernel: (I+H, w0) with rows 0..I−1 = Wx and rows I..I+H−1 = Wh; bias: (w0).
/// GRU only: candidateKernel (I+H, H) and candidateBias (H); empty for other cells.
/// Each buffer is an array segment (a float[] passes as a whole), so the weights can be handed to the threads of a
/// split call as they are.
/// </remarks>
public readonly struct RnnWeights(
    ArraySegment<float> kernel, ArraySegment<float> bias,
    ArraySegment<float> candidateKernel = default, ArraySegment<float> candidateBias = default)
{
    private readonly ArraySegment<float> _kernel = kernel, _bias = bias, _candidateKernel = candidateKernel,
        _candidateBias = candidateBias;

    /// <summary>(I+H, w0): [Wx; Wh] of group 0.</summary>
    public ReadOnlySpan<float> Kernel => _kernel;
    /// <summary>(w0).</summary>
    public ReadOnlySpan<float> Bias => _bias;
    /// <summary>GRU: (I+H, H) candidate kernel.</summary>
    public ReadOnlySpan<float> CandidateKernel => _candidateKernel;
    /// <summary>GRU: (H) candidate bias.</summary>
    public ReadOnlySpan<float> CandidateBias => _candidateBias;

    internal ReadOnlySpan<float> GroupBias(int group) => group == 0 ? Bias : CandidateBias;

    // [Wx; Wh] of group g: (I+H, w_g).
    internal ReadOnlySpan<float> GroupKernel(int group) => group == 0 ? Kernel : CandidateKernel;

    // Wx of group g: (I, w_g).
    internal ReadOnlySpan<float> InputWeights(in RnnCellSpec cell, int group) =>
        GroupKernel(group)[..(cell.Inputs * cell.GroupWidth(group))];

    // Wh of group g: (H, w_g).
    internal ReadOnlySpan<float> RecurrentWeights(in RnnCellSpec cell, int group) =>
        GroupKernel(group)[(cell.Inputs * cell.GroupWidth(group))..];

    // Names and shapes are constant strings: validation runs on every call and must not allocate.
    internal void Validate(in RnnCellSpec cell, bool gradients = false)
    {
        RnnArgs.RequireLength(Kernel.Length, cell.KernelLength, gradients ? "gradients.Kernel" : "kernel",
            "(I+H, w): w = H, 4H for Lstm, 2H for Gru");
        RnnArgs.RequireLength(Bias.Length, cell.BiasLength, gradients ? "gradients.Bias" : "bias",
            "(w): w = H, 4H for Lstm, 2H for Gru");
        RnnArgs.RequireLength(CandidateKernel.Length, cell.CandidateKernelLength,
            gradients ? "gradients.CandidateKernel" : "candidateKernel", "(I+H, H) for Gru, empty for other cells");
        RnnArgs.RequireLength(CandidateBias.Length, cell.CandidateBiasLength,
            gradients ? "gradients.CandidateBias" : "candidateBias", "(H) for Gru, empty for other cells");
    }
}

/// <summary>Gradient buffers (array segments) matching <see cref="RnnWeights"/>; the backward pass ADDS into them (+=).</summary>
public readonly struct RnnWeightGradients(
    ArraySegment<float> kernel, ArraySegment<float> bias,
    ArraySegment<float> candidateKernel = default, ArraySegment<float> candidateBias = default)
{
    private readonly ArraySegment<float> _kernel = kernel, _bias = bias, _candidateKernel = candidateKernel,
        _candidateBias = candidateBias;

    /// <summary>(I+H, w0), accumulated.</summary>
    public Span<float> Kernel => _kernel;
    /// <summary>(w0), accumulated.</summary>
    public Span<float> Bias => _bias;
    /// <summary>GRU: (I+H, H), accumulated.</summary>
    public Span<float> CandidateKernel => _candidateKernel;
    /// <summary>GRU: (H), accumulated.</summary>
    public Span<float> CandidateBias => _candidateBias;

    internal Span<float> GroupBias(int group) => group == 0 ? Bias : CandidateBias;

    internal Span<float> GroupKernel(int group) => group == 0 ? Kernel : CandidateKernel;

    internal Span<float> InputWeights(in RnnCellSpec cell, int group) =>
        GroupKernel(group)[..(cell.Inputs * cell.GroupWidth(group))];

    internal Span<float> RecurrentWeights(in RnnCellSpec cell, int group) =>
        GroupKernel(group)[(cell.Inputs * cell.GroupWidth(group))..];

    internal void Validate(in RnnCellSpec cell) =>
        new RnnWeights(_kernel, _bias, _candidateKernel, _candidateBias).Validate(cell, gradients: true);
}
