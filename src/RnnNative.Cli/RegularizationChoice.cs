using System.Globalization;
using RnnNative.Models;

namespace RnnNative.Cli;

/// <summary>
/// <c>rnn train --schedule constant|cosine --decay-steps N --dropout P</c>: the library's learning-rate schedule
/// (<see cref="CosineDecay"/>) and dropout on the recurrent layer's final state (<see cref="Ops.Dropout"/>, training steps only),
/// carried by <see cref="SequenceClassifierOptions"/> into the checkpoint.
/// </summary>
internal sealed record RegularizationChoice(bool Cosine, int? DecaySteps, float Dropout)
{
    public static readonly string[] Options = ["--schedule", "--decay-steps", "--dropout"];

    public const string Help = """
          --schedule NAME    constant | cosine: the learning rate, constant or decayed to 0 along a cosine
                             (default constant)
          --decay-steps N    cosine: the updates over which it decays (default: every step of the run)
          --dropout P        drop each unit of the final recurrent state (the dense layer's input) with
                             probability P in [0, 1) while training (default 0); eval and predict never drop
        """;

    private static readonly IReadOnlyDictionary<string, bool> Schedules = new Dictionary<string, bool> { ["constant"] = false, ["cosine"] = true };

    public static RegularizationChoice Parse(CommandLine a)
    {
        bool cosine = a.Choice("--schedule", Schedules) ?? false;
        int? decaySteps = a.Int("--decay-steps", 1);
        if (decaySteps is not null && !cosine) throw new UsageException("--decay-steps is for --schedule cosine.");
        float dropout = 0;
        if (a.String("--dropout") is { } text
            && (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out dropout) || !(dropout >= 0 && dropout < 1)))
            throw new UsageException($"--dropout must be a probability in [0, 1), got '{text}'.");
        return new RegularizationChoice(cosine, decaySteps, dropout);
    }

    /// <summary>The options with the schedule (its default length: every step of <paramref name="epochs"/> epochs) and dropout.</summary>
    public SequenceClassifierOptions Apply(SequenceClassifierOptions options, int trainCount, int batch, int epochs) => options with
    {
        Dropout = Dropout,
        CosineDecaySteps = Cosine ? DecaySteps ?? (long)epochs * ((trainCount + batch - 1) / batch) : null,
    };

    /// <summary>", dropout 0.2, cosine decay over 1200 steps" (empty for the defaults).</summary>
    public static string Describe(SequenceClassifierOptions o) =>
        (o.Dropout > 0 ? string.Create(CultureInfo.InvariantCulture, $", dropout {o.Dropout}") : "") +
        (o.CosineDecaySteps is long d ? $", cosine decay over {d} steps" : "");
}
