using System.Numerics.Tensors;

namespace RnnNative;

/// <summary>
/// Inverted dropout (<c>tf.nn.dropout</c>), active only while a training flag is true: each element is kept with
/// probability keepProb and scaled by 1/keepProb, else zeroed; when the flag is false y = x.
/// </summary>
/// <remarks>
/// y = x ⊙ mask, mask_i = [u_i &lt; keepProb] / keepProb with u_i uniform from a generator seeded by
/// (graph seed, op seed, step), step = how many times this op has dropped in this session: the same seed gives
/// the same masks in every session, run after run. Gradient: dx = dy ⊙ mask, the mask the forward pass saved.
/// </remarks>
internal sealed class DropoutOp : Node
{
    private readonly float _keepProb;
    private readonly ulong _seed;

    public DropoutOp(Node x, float keepProb, Node training, int? seed, string? name)
        : base(x.Graph, "Dropout", name, DType.Float32, x.Shape, UnaryOp.RequireFloat(x), RequireFlag(training, keepProb))
    {
        _keepProb = keepProb;
        _seed = SeedMixer.Mix((ulong)(uint)x.Graph.Seed, (ulong)(uint)(seed ?? x.Graph.NextOpSeed()));
    }

    private static Node RequireFlag(Node training, float keepProb)
    {
        if (!(keepProb > 0f && keepProb <= 1f))
            throw new ArgumentOutOfRangeException(nameof(keepProb), $"Dropout: keepProb {keepProb} must be in (0, 1].");
        if (training.DType == DType.Int32 || training.Shape.Rank != 0)
            throw new ArgumentException($"Dropout: the training flag {training.Name} must be a Bool or Float32 scalar, got {training.DType} {training.Shape}.");
        return training;
    }

    internal sealed class Saved
    {
        public float[] Mask = [];
        public bool Active;
        public long Step;
    }

    internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[0]).CopyTo(dims);

    internal override void Forward(Session s)
    {
        ReadOnlySpan<float> x = s.F(In[0]);
        var y = s.F(this);
        var saved = s.State<Saved>(this);
        saved.Active = s.F(In[1])[0] != 0f && _keepProb < 1f;
        if (!saved.Active) { x.CopyTo(y); return; }
        if (saved.Mask.Length < x.Length) saved.Mask = GC.AllocateArray<float>(x.Length, pinned: true);
        var mask = saved.Mask.AsSpan(0, x.Length);
        var rng = new SplitMix64(SeedMixer.Mix(_seed, (ulong)saved.Step++));
        float scale = 1f / _keepProb;
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextSingle() < _keepProb ? scale : 0f;
        TensorPrimitives.Multiply(x, mask, y);
    }

    internal override Node?[] Gradient(Node dy) => [new DropoutGradOp(this, dy), null];

    /// <summary>dx = dy ⊙ mask when the forward pass dropped, else dy.</summary>
    private sealed class DropoutGradOp(DropoutOp forward, Node dy)
        : Node(forward.Graph, "DropoutGrad", null, DType.Float32, forward.Shape, dy, forward)
    {
        internal override void InferDims(Session s, Span<int> dims) => s.Dims(In[0]).CopyTo(dims);

        internal override void Forward(Session s)
        {
            ReadOnlySpan<float> upstream = s.F(In[0]);
            var dx = s.F(this);
            var saved = s.State<Saved>(forward);
            if (saved.Active) TensorPrimitives.Multiply(upstream, saved.Mask.AsSpan(0, dx.Length), dx);
            else upstream.CopyTo(dx);
        }
    }
}
