namespace RnnNative;

/// <summary>Permutes the axes (<c>tf.transpose(x, perm)</c>): y has dims[i] = x.dims[perm[i]]; rank ≤ 4.</summary>
/// <remarks>
/// y[i₀, i₁, ..] = x[j] with j[perm[a]] = i_a. Gradient: dy transposed by the inverse permutation.
/// The copy walks y in order and x with the permuted strides; ranks below 4 are padded with leading 1s.
/// </remarks>
internal sealed class TransposeOp : Node
{
    internal const int MaxRank = 4;
    private readonly int[] _perm;

    public TransposeOp(Node x, int[] perm, string? name)
        : base(x.Graph, "Transpose", name, x.DType, Permuted(x, perm), x)
        => _perm = (int[])perm.Clone();

    private static Shape Permuted(Node x, int[] perm)
    {
        int rank = x.Shape.Rank;
        if (rank > MaxRank) throw new ArgumentException($"Transpose supports rank ≤ {MaxRank}; {x.Name} is {x.Shape}.");
        var seen = new bool[rank];
        if (perm.Length != rank || perm.Any(p => (uint)p >= (uint)rank || seen[p] || !(seen[p] = true)))
            throw new ArgumentException($"Transpose of {x.Name} {x.Shape}: perm [{string.Join(", ", perm)}] is not a permutation of 0..{rank - 1}.");
        return new Shape(perm.Select(p => x.Shape[p]).ToArray());
    }

    internal static int[] Inverse(int[] perm)
    {
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return inverse;
    }

    internal override void InferDims(Session s, Span<int> dims)
    {
        var x = s.Dims(In[0]);
        for (int i = 0; i < dims.Length; i++) dims[i] = x[_perm[i]];
    }

    internal override void Forward(Session s)
    {
        if (DType == DType.Int32) Copy<int>(s.I(In[0]), s.I(this), s.Dims(In[0]));
        else Copy<float>(s.F(In[0]), s.F(this), s.Dims(In[0]));
    }

    // y: the output dims d (padded to 4); x is read with stride st[a] along output axis a.
    private void Copy<T>(ReadOnlySpan<T> x, Span<T> y, ReadOnlySpan<int> xDims)
    {
        Span<int> d = stackalloc int[MaxRank], st = stackalloc int[MaxRank], xStride = stackalloc int[MaxRank];
        int rank = xDims.Length, pad = MaxRank - rank;
        for (int i = rank - 1, stride = 1; i >= 0; stride *= xDims[i], i--) xStride[i] = stride;
        d.Fill(1);
        st.Clear();
        for (int a = 0; a < rank; a++)
        {
            d[pad + a] = xDims[_perm[a]];
            st[pad + a] = xStride[_perm[a]];
        }
        int index = 0;
        for (int i0 = 0; i0 < d[0]; i0++)
            for (int i1 = 0; i1 < d[1]; i1++)
                for (int i2 = 0; i2 < d[2]; i2++)
                {
                    int source = i0 * st[0] + i1 * st[1] + i2 * st[2];
                    for (int i3 = 0; i3 < d[3]; i3++, source += st[3]) y[index++] = x[source];
                }
    }

    internal override Node?[] Gradient(Node dy) => [new TransposeOp(dy, Inverse(_perm), null)];
}
