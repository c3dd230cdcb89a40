namespace RnnNative.Examples;

/// <summary>Hyperparameters of <see cref="ForecastModel"/>; the defaults are the lecture's time-series model.</summary>
public sealed record ForecastOptions
{
    /// <summary>Time steps T per training window.</summary>
    public int Steps { get; init; } = 20;

    /// <summary>ReLU units H of the recurrent cell.</summary>
    public int Units { get; init; } = 100;

    /// <summary>Adam's learning rate (its peak when <see cref="Schedule"/> is set).</summary>
    public float LearningRate { get; init; } = 0.001f;

    /// <summary>The learning-rate schedule over the Adam updates, e.g. <see cref="CosineDecay"/> (null: constant, the lecture's).</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Graph seed (initial weights).</summary>
    public int Seed { get; init; } = 42;
}

/// <summary>
/// The lecture's sequence-to-sequence forecaster: a basic ReLU cell wrapped in an
/// <see cref="OutputProjectionWrapper"/> to one output per step, trained with MSE against the input window
/// shifted one step ahead.
/// </summary>
/// <remarks>
/// X (B, T, 1) → <c>dynamic_rnn</c> from a zero state → Outputs (B, T, 1), with
/// h_t = relu(x_t·Wx + h_{t−1}·Wh + b) and ŷ_t = h_t·Wo + bo, the prediction of x_{t+1};
/// Loss = mean over B·T of (ŷ − y)². B is free: the generation loop runs it on one [1, T, 1] window at a time.
/// </remarks>
public sealed class ForecastModel
{
    /// <summary>Builds the graph.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Steps, units or learning rate not positive.</exception>
    public ForecastModel(ForecastOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Steps, "options.Steps");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Units, "options.Units");
        if (!(options.LearningRate > 0 && float.IsFinite(options.LearningRate)))
            throw new ArgumentOutOfRangeException(nameof(options), options.LearningRate, "The learning rate must be a positive number.");
        Options = options;
        Graph = new Graph(options.Seed);
        X = Graph.Placeholder("X", new Shape(-1, options.Steps, 1));
        Y = Graph.Placeholder("y", new Shape(-1, options.Steps, 1));
        var cell = new OutputProjectionWrapper(new BasicRnnCell(options.Units, Activation.Relu), 1);
        Outputs = Rnn.Dynamic(cell, X).Outputs;
        Loss = Ops.MeanSquaredError(Y, Outputs, name: "loss");
        TrainOp = new AdamOptimizer(options.LearningRate) { Schedule = options.Schedule }.Minimize(Loss);
    }

    /// <summary>The hyperparameters.</summary>
    public ForecastOptions Options { get; }

    /// <summary>The graph.</summary>
    public Graph Graph { get; }

    /// <summary>Input windows (B, T, 1).</summary>
    public Placeholder X { get; }

    /// <summary>Targets (B, T, 1): the windows shifted one step ahead.</summary>
    public Placeholder Y { get; }

    /// <summary>Predictions (B, T, 1): output t predicts x_{t+1}.</summary>
    public Node Outputs { get; }

    /// <summary>Mean squared error over all B·T predictions (scalar).</summary>
    public Node Loss { get; }

    /// <summary>One Adam step on <see cref="Loss"/>.</summary>
    public Operation TrainOp { get; }
}
