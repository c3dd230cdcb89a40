namespace RnnNative.Models;

/// <summary>The recurrent cell of a model.</summary>
public enum CellType
{
    /// <summary><see cref="BasicRnnCell"/> with tanh.</summary>
    Basic,
    /// <summary><see cref="BasicLstmCell"/>.</summary>
    Lstm,
    /// <summary><see cref="GruCell"/>.</summary>
    Gru,
}

/// <summary>Hyperparameters of <see cref="SequenceClassifier"/>; the defaults are the lecture's MNIST model.</summary>
public sealed record SequenceClassifierOptions
{
    /// <summary>Time steps T (image rows).</summary>
    public int Steps { get; init; } = 28;
    /// <summary>Inputs per step I (image columns).</summary>
    public int Inputs { get; init; } = 28;
    /// <summary>Hidden units per layer.</summary>
    public int Units { get; init; } = 150;
    /// <summary>Stacked recurrent layers.</summary>
    public int Layers { get; init; } = 1;
    /// <summary>Output classes.</summary>
    public int Classes { get; init; } = 10;
    /// <summary>The cell.</summary>
    public CellType Cell { get; init; } = CellType.Basic;
    /// <summary>Adam's learning rate.</summary>
    public float LearningRate { get; init; } = 0.001f;
    /// <summary>Graph seed (initial weights).</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Whether the model takes per-example sequence lengths.</summary>
    public bool UseSequenceLengths { get; init; }
    /// <summary>Gradient clipping by global norm (null: none).</summary>
    public float? ClipNorm { get; init; }
    /// <summary>Probability in [0, 1) of dropping each unit of the final state (the dense layer's input) while training (<see cref="Ops.Dropout"/>, scaled by 1/keep; 0: none). Evaluation never drops.</summary>
    public float Dropout { get; init; }
    /// <summary>Cosine decay of the learning rate to 0 over this many updates (<see cref="CosineDecay"/>); null: a constant rate.</summary>
    public long? CosineDecaySteps { get; init; }
}

/// <summary>
/// The lecture's sequence classifier: <c>dynamic_rnn</c> over X (B, T, I), a dense layer on the final state,
/// sparse softmax cross-entropy, Adam, and accuracy by <c>in_top_k</c>.
/// </summary>
public sealed class SequenceClassifier
{
    /// <summary>Builds the graph.</summary>
    public SequenceClassifier(SequenceClassifierOptions options)
    {
        Options = options;
        Graph = new Graph(options.Seed);
        X = Graph.Placeholder("X", new Shape(-1, options.Steps, options.Inputs));
        Y = Graph.Placeholder("y", new Shape(-1), DType.Int32);
        Lengths = options.UseSequenceLengths ? Graph.Placeholder("seq_length", new Shape(-1), DType.Int32) : null;
        if (!(options.Dropout >= 0 && options.Dropout < 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.Dropout, "Dropout must be a probability in [0, 1).");
        var (_, state) = Rnn.Dynamic(CreateCell(options), X, Lengths);
        if (options.Dropout > 0)
        {
            // On the final state, the dense layer's input: a DropoutWrapper's output dropout would not reach it
            // (the wrapper passes the state undropped, as TF1's does).
            TrainingFlag = Ops.TrainingFlag(Graph);
            state = Ops.Dropout(state, 1 - options.Dropout, TrainingFlag, options.Seed);
        }
        Logits = Layers.Dense(state, options.Classes);
        Loss = Ops.ReduceMean(Ops.SparseSoftmaxCrossEntropyWithLogits(Y, Logits), name: "loss");
        Optimizer = new AdamOptimizer(options.LearningRate)
        {
            ClipNorm = options.ClipNorm,
            Schedule = options.CosineDecaySteps is long steps ? new CosineDecay(steps) : null,
        };
        TrainOp = Optimizer.Minimize(Loss);
        Correct = Ops.InTopK(Logits, Y, 1);
        Accuracy = Ops.ReduceMean(Ops.Cast(Correct, DType.Float32), name: "accuracy");
    }

    /// <summary>The hyperparameters.</summary>
    public SequenceClassifierOptions Options { get; }
    /// <summary>The graph.</summary>
    public Graph Graph { get; }
    /// <summary>Inputs (B, T, I).</summary>
    public Placeholder X { get; }
    /// <summary>Labels (B), int32.</summary>
    public Placeholder Y { get; }
    /// <summary>Sequence lengths (B), int32, when <see cref="SequenceClassifierOptions.UseSequenceLengths"/>.</summary>
    public Placeholder? Lengths { get; }
    /// <summary>Class scores (B, C).</summary>
    public Node Logits { get; }
    /// <summary>Mean cross-entropy (scalar).</summary>
    public Node Loss { get; }
    /// <summary>Fed true while training when <see cref="SequenceClassifierOptions.Dropout"/> &gt; 0 (the trainer does); null without dropout.</summary>
    public Placeholder? TrainingFlag { get; }

    /// <summary>Adam behind <see cref="TrainOp"/>, with the options' learning-rate schedule (e.g. to set its gradient reducer).</summary>
    public AdamOptimizer Optimizer { get; }
    /// <summary>One Adam step.</summary>
    public Operation TrainOp { get; }
    /// <summary>Whether each example's top class is its label (B), bool.</summary>
    public Node Correct { get; }
    /// <summary>Fraction correct (scalar).</summary>
    public Node Accuracy { get; }

    /// <summary>The cell (stacked when there are several layers) for the options.</summary>
    public static RnnCell CreateCell(SequenceClassifierOptions options)
    {
        RnnCell One() => options.Cell switch
        {
            CellType.Lstm => new BasicLstmCell(options.Units),
            CellType.Gru => new GruCell(options.Units),
            _ => new BasicRnnCell(options.Units),
        };
        if (options.Layers < 1) throw new ArgumentOutOfRangeException(nameof(options), "Layers must be ≥ 1.");
        return options.Layers == 1 ? One() : new MultiRnnCell(Enumerable.Range(0, options.Layers).Select(_ => One()).ToArray());
    }
}
