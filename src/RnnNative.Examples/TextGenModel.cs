using RnnNative.Models;

namespace RnnNative.Examples;

/// <summary>Hyperparameters of <see cref="TextGenModel"/>.</summary>
public sealed record TextGenOptions
{
    /// <summary>V, the number of distinct characters (inputs and output classes).</summary>
    public int VocabularySize { get; init; }

    /// <summary>Width of each character's embedding vector.</summary>
    public int EmbeddingSize { get; init; } = 64;

    /// <summary>The recurrent cell (<see cref="CellType.Basic"/> is tanh).</summary>
    public CellType Cell { get; init; } = CellType.Lstm;

    /// <summary>Units per layer.</summary>
    public int Units { get; init; } = 256;

    /// <summary>Stacked recurrent layers.</summary>
    public int Layers { get; init; } = 1;

    /// <summary>Probability of keeping each output of each layer while training (dropout; 1 = none).</summary>
    public float OutputKeepProb { get; init; } = 1f;

    /// <summary>Adam's learning rate.</summary>
    public float LearningRate { get; init; } = 0.002f;

    /// <summary>Gradients are clipped to this global L2 norm.</summary>
    public float ClipNorm { get; init; } = 5f;

    /// <summary>Graph seed (initial weights).</summary>
    public int Seed { get; init; } = 42;
}

/// <summary>
/// A character-level language model: embedding lookup, a (stacked) recurrent cell whose initial state is fed,
/// and a dense softmax layer over every step's output, trained to predict each next character.
/// </summary>
/// <remarks>
/// X (B, T) ids → <c>embedding_lookup</c> (B, T, E) → <c>dynamic_rnn</c> from InitialState → outputs (B, T, H)
/// → reshape (B·T, H) → Logits = outputs·W + b (B·T, V);
/// Loss = mean over the B·T positions of −log softmax(Logits)[y], in nats (÷ ln 2 for bits per character).
/// B and T are free, so the same graph trains on (B, T) chunks and samples one character at a time (1, 1).
/// The initial state is a placeholder: truncated BPTT feeds the previous chunk's <see cref="FinalState"/>
/// back in as a value, so no gradient flows across chunks.
/// </remarks>
public sealed class TextGenModel
{
    /// <summary>Builds the graph.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size, the learning rate or the clip norm is not positive.</exception>
    public TextGenModel(TextGenOptions options)
    {
        Check(options);
        Options = options;
        Graph = new Graph(options.Seed);
        X = Graph.Placeholder("X", new Shape(-1, -1), DType.Int32);
        Y = Graph.Placeholder("y", new Shape(-1, -1), DType.Int32);
        Training = Ops.TrainingFlag(Graph);
        var cell = CreateCell(options, Training);
        InitialState = Enumerable.Range(0, cell.StateParts)
            .Select(i => Graph.Placeholder($"initial_state_{i}", new Shape(-1, cell.StateSize(i)))).ToArray();
        Embedding = Graph.Variable("embedding", new Shape(options.VocabularySize, options.EmbeddingSize), Initializer.RandomUniform(-1f, 1f));
        var rnn = Rnn.Dynamic(cell, Ops.EmbeddingLookup(Embedding, X), initialState: InitialState);
        FinalState = rnn.States.ToArray();
        Logits = Layers.Dense(Ops.Reshape(rnn.Outputs, new Shape(-1, options.Units)), options.VocabularySize, name: "softmax");
        Loss = Ops.ReduceMean(Ops.SparseSoftmaxCrossEntropyWithLogits(Ops.Reshape(Y, new Shape(-1)), Logits), name: "loss");
        TrainOp = new AdamOptimizer(options.LearningRate) { ClipNorm = options.ClipNorm }.Minimize(Loss);
    }

    /// <summary>The hyperparameters.</summary>
    public TextGenOptions Options { get; }

    /// <summary>The graph.</summary>
    public Graph Graph { get; }

    /// <summary>Feed true (<c>Tensor.Scalar(1f)</c>) while training to turn dropout on; false by default.</summary>
    public Placeholder Training { get; }

    /// <summary>Input character ids (B, T), int32.</summary>
    public Placeholder X { get; }

    /// <summary>Target ids (B, T): the inputs shifted one character ahead.</summary>
    public Placeholder Y { get; }

    /// <summary>The state parts the sequence starts from, each (B, H) (cell order: [c, h] per LSTM layer); always fed.</summary>
    public IReadOnlyList<Placeholder> InitialState { get; }

    /// <summary>The state parts after the last step, each (B, H), in the order of <see cref="InitialState"/>.</summary>
    public IReadOnlyList<Node> FinalState { get; }

    /// <summary>The character embeddings (V, E).</summary>
    public Variable Embedding { get; }

    /// <summary>Next-character scores (B·T, V), row b·T + t for step t of row b.</summary>
    public Node Logits { get; }

    /// <summary>Mean cross-entropy per character in nats (scalar).</summary>
    public Node Loss { get; }

    /// <summary>One Adam step on <see cref="Loss"/> with gradient clipping.</summary>
    public Operation TrainOp { get; }

    /// <summary>Zero-filled state parts for a batch of <paramref name="batch"/> rows, shaped as <see cref="InitialState"/>.</summary>
    public Tensor[] ZeroState(int batch) =>
        InitialState.Select(p => Tensor.FromArray(new float[batch * p.Shape[1]], batch, p.Shape[1])).ToArray();

    // Layers of the chosen cell, each output dropped with 1 − OutputKeepProb while training.
    private static RnnCell CreateCell(TextGenOptions o, Node training)
    {
        var one = new SequenceClassifierOptions { Cell = o.Cell, Units = o.Units, Layers = 1 };
        var layers = Enumerable.Range(0, o.Layers).Select(l =>
        {
            var cell = SequenceClassifier.CreateCell(one);
            return o.OutputKeepProb < 1f ? new DropoutWrapper(cell, training, outputKeepProb: o.OutputKeepProb, seed: 2 * l) : cell;
        }).ToArray();
        return layers.Length == 1 ? layers[0] : new MultiRnnCell(layers);
    }

    private static void Check(TextGenOptions o)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.VocabularySize, "options.VocabularySize");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.EmbeddingSize, "options.EmbeddingSize");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Units, "options.Units");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Layers, "options.Layers");
        if (!(o.LearningRate > 0 && float.IsFinite(o.LearningRate)))
            throw new ArgumentOutOfRangeException(nameof(o), o.LearningRate, "The learning rate must be a positive number.");
        if (!(o.OutputKeepProb > 0 && o.OutputKeepProb <= 1))
            throw new ArgumentOutOfRangeException(nameof(o), o.OutputKeepProb, "The keep probability must be in (0, 1].");
        if (!(o.ClipNorm > 0))
            throw new ArgumentOutOfRangeException(nameof(o), o.ClipNorm, "The clip norm must be a positive number.");
    }
}
