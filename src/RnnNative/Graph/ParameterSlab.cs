using RnnNative.Blas;

namespace RnnNative;

/// <summary>
/// Every variable's value in one pinned slab, and every trainable variable's gradient in a second slab of
/// the same layout: optimizers run one loop over the whole slab, and data-parallel training needs one
/// all-reduce of <see cref="Gradients"/> per step.
/// </summary>
/// <remarks>Slices start on 16-float (64-byte) boundaries so that vector loops over one variable stay aligned.</remarks>
internal sealed class ParameterSlab
{
    private const int Alignment = 16;
    private readonly Dictionary<Variable, int> _offsets = [];
    private readonly bool[] _initialized;

    public ParameterSlab(IReadOnlyList<Variable> variables, bool bf16Copy = false)
    {
        Variables = variables.ToArray();
        int offset = 0;
        foreach (var v in Variables)
        {
            _offsets.Add(v, offset);
            offset += (v.Shape.ElementCount + Alignment - 1) / Alignment * Alignment;
        }
        Size = offset;
        Values = GC.AllocateArray<float>(Size, pinned: true);
        Gradients = GC.AllocateArray<float>(Size, pinned: true);
        _initialized = new bool[Variables.Length];
        Bf16 = bf16Copy ? new Bf16Weights(Values) : null;
    }

    /// <summary>The values' bfloat16 copy for bfloat16 GEMMs (null in float32 sessions).</summary>
    public Bf16Weights? Bf16 { get; }

    /// <summary>The variables of the graph when the session was created, in slab order.</summary>
    public Variable[] Variables { get; }

    /// <summary>Total slab length in floats (including alignment padding, which stays 0).</summary>
    public int Size { get; }

    /// <summary>Variable values: (Size).</summary>
    public float[] Values { get; }

    /// <summary>Gradients of the last training step: (Size), same layout as <see cref="Values"/>.</summary>
    public float[] Gradients { get; }

    public int OffsetOf(Variable v) => _offsets.TryGetValue(v, out int offset) ? offset
        : throw new InvalidOperationException(
            $"Variable {v.Name} was created after this session; create the session after building the graph.");

    public Span<float> ValuesOf(Variable v) => Values.AsSpan(OffsetOf(v), v.Shape.ElementCount);

    public Span<float> GradientOf(Variable v) => Gradients.AsSpan(OffsetOf(v), v.Shape.ElementCount);

    public void MarkInitialized(Variable v) => _initialized[Array.IndexOf(Variables, v)] = true;

    public void CheckInitialized(Variable v)
    {
        int index = Array.IndexOf(Variables, v);
        if (index < 0) OffsetOf(v);
        if (!_initialized[index])
            throw new InvalidOperationException($"Attempting to use uninitialized variable {v.Name}: run g.GlobalVariablesInitializer() first.");
    }
}
