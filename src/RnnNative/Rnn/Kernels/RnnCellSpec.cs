namespace RnnNative.Kernels;

/// <summary>The recurrent cell a fused kernel runs (TensorFlow 1.x semantics).</summary>
public enum RnnCellKind
{
    /// <summary><c>BasicRNNCell</c> with tanh: h' = tanh([x, h]·K + b).</summary>
    BasicTanh,
    /// <summary><c>BasicRNNCell</c> with relu: h' = max([x, h]·K + b, 0).</summary>
    BasicRelu,
    /// <summary><c>BasicLSTMCell</c>: gates [i, j, f, o] from one kernel [I+H, 4H]; state (c, h).</summary>
    Lstm,
    /// <summary><c>GRUCell</c>: gate kernel [I+H, 2H] for [r, u], candidate kernel [I+H, H].</summary>
    Gru,
}

/// <summary>Kind and size of one recurrent cell.</summary>
/// <remarks>
/// The pre-activation block of one example at one step is <see cref="PreWidth"/> wide: H (basic), 4H (LSTM:
/// i, j, f, o), 3H (GRU: r, u from the gate kernel, then the candidate). Its columns come from one or two
/// weight groups: group 0 is <c>kernel</c> [I+H, w0] (w0 = H, 4H or 2H), group 1 (GRU only) is
/// <c>candidateKernel</c> [I+H, H]. Rows 0..I−1 of a kernel are Wx, rows I..I+H−1 are Wh.
/// </remarks>
public readonly record struct RnnCellSpec
{
    /// <summary>Describes a cell; <paramref name="forgetBias"/> is used by LSTM only.</summary>
    public RnnCellSpec(RnnCellKind kind, int inputs, int units, float forgetBias = 1f)
    {
        if (!Enum.IsDefined(kind))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown RNN cell kind.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        if (!float.IsFinite(forgetBias))
            throw new ArgumentOutOfRangeException(nameof(forgetBias), forgetBias, "The forget bias must be finite.");
        Kind = kind;
        Inputs = inputs;
        Units = units;
        ForgetBias = forgetBias;
    }

    /// <summary>The cell kind.</summary>
    public RnnCellKind Kind { get; }
    /// <summary>I: features per input step.</summary>
    public int Inputs { get; }
    /// <summary>H: hidden units.</summary>
    public int Units { get; }
    /// <summary>Added to the LSTM forget gate's pre-activation (TF default 1.0).</summary>
    public float ForgetBias { get; }

    /// <summary>Columns of one example's pre-activation block: H, 4H (LSTM) or 3H (GRU).</summary>
    public int PreWidth => Kind switch { RnnCellKind.Lstm => 4 * Units, RnnCellKind.Gru => 3 * Units, _ => Units };

    /// <summary>Element count of <c>kernel</c>: (I+H)·w0.</summary>
    public int KernelLength => (Inputs + Units) * GroupWidth(0);
    /// <summary>Element count of <c>bias</c>: w0.</summary>
    public int BiasLength => GroupWidth(0);
    /// <summary>Element count of the GRU candidate kernel, (I+H)·H; 0 for other cells.</summary>
    public int CandidateKernelLength => Kind == RnnCellKind.Gru ? (Inputs + Units) * Units : 0;
    /// <summary>Element count of the GRU candidate bias, H; 0 for other cells.</summary>
    public int CandidateBiasLength => Kind == RnnCellKind.Gru ? Units : 0;

    /// <summary>Whether the cell carries a second state c (LSTM).</summary>
    public bool HasCellState => Kind == RnnCellKind.Lstm;

    internal int GroupCount => Kind == RnnCellKind.Gru ? 2 : 1;

    // Output columns of weight group g: GRU gates 2H then candidate H; otherwise one group of PreWidth.
    internal int GroupWidth(int group) => Kind == RnnCellKind.Gru ? (group == 0 ? 2 * Units : Units) : PreWidth;

    // First column of weight group g inside the pre-activation block.
    internal int GroupColumn(int group) => group == 0 ? 0 : 2 * Units;
}
