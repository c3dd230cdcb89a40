using RnnNative.Data;
using RnnNative.Models;

namespace RnnNative.Training;

/// <summary>
/// Feed buffers of a <see cref="SequenceClassifier"/> for each batch size met, allocated once and refilled:
/// a fed tensor is read in place, so refilling its array is all a step needs.
/// </summary>
/// <remarks>An epoch has at most two batch sizes (B and the remainder N mod B), so this holds one or two sets.</remarks>
internal sealed class BatchFeeds(SequenceClassifier model)
{
    private readonly List<Set> _sets = [];

    /// <summary>One batch size's buffers: x (B, T, I), y (B), lengths (B), and the feeds wrapping them.</summary>
    internal sealed class Set
    {
        public Set(SequenceClassifier model, int size)
        {
            var o = model.Options;
            Size = size;
            X = new float[size * o.Steps * o.Inputs];
            Y = new int[size];
            Feeds = new FeedDict { [model.X] = Tensor.FromArray(X, size, o.Steps, o.Inputs), [model.Y] = Tensor.FromArray(Y, size) };
            if (model.Lengths is not null)
            {
                Lengths = new int[size];
                Feeds[model.Lengths] = Tensor.FromArray(Lengths, size);
            }
        }

        public int Size { get; }
        public float[] X { get; }
        public int[] Y { get; }
        public int[]? Lengths { get; }
        public FeedDict Feeds { get; }
    }

    /// <summary>Fills the buffers for <paramref name="batch"/> of the batcher's current epoch; returns them.</summary>
    public Set Fill(Batcher batcher, Dataset data, int batch)
    {
        var indices = batcher.BatchIndices(batch);
        var set = For(indices.Length);
        data.Gather(indices, set.X, set.Y, set.Lengths);
        return set;
    }

    private Set For(int size)
    {
        foreach (var set in _sets)
            if (set.Size == size) return set;
        var created = new Set(model, size);
        _sets.Add(created);
        return created;
    }

    /// <summary>Checks that a data set's shape matches the model's placeholders.</summary>
    public static void CheckShape(SequenceClassifier model, Dataset data, string role)
    {
        var o = model.Options;
        if (data.Steps != o.Steps || data.Inputs != o.Inputs)
            throw new ArgumentException(
                $"The {role} data are {data.Steps} steps x {data.Inputs} inputs but the model expects {o.Steps} x {o.Inputs}.");
        if (data.Classes > o.Classes)
            throw new ArgumentException($"The {role} data have {data.Classes} classes but the model has {o.Classes} outputs.");
    }
}
