using RnnNative.Models;

namespace RnnNative.Cli;

/// <summary>
/// Up-front checks of a training run's size and output folder, so that a too-large model or an impossible
/// <c>--out</c> is a one-line error before anything is allocated or trained.
/// </summary>
internal static class TrainChecks
{
    /// <summary>Float32 parameters of the classifier: recurrent layers plus the dense head.</summary>
    /// <remarks>
    /// Per layer l with input width n_l (I for the first, U after) and g gate blocks (basic 1, GRU 3, LSTM 4):
    /// g·U·(n_l + U) weights + g·U biases; dense: U·C + C. Counted in double: 65536 units overflow int.
    /// </remarks>
    public static double Parameters(SequenceClassifierOptions o)
    {
        double gates = o.Cell switch { CellType.Lstm => 4, CellType.Gru => 3, _ => 1 };
        double total = (double)o.Units * o.Classes + o.Classes;
        for (int l = 0; l < o.Layers; l++)
        {
            double inputs = l == 0 ? o.Inputs : o.Units;
            total += gates * o.Units * (inputs + o.Units) + gates * o.Units;
        }
        return total;
    }

    /// <summary>
    /// Estimated bytes of a training step: parameters ×4 (values, gradients, Adam's two moments) plus the
    /// activations kept for BPTT, layers·T·B·U·(g + 3) floats (gate pre-activations, states, their gradients).
    /// A lower bound: the real peak adds the inputs, the logits and per-node buffers.
    /// </summary>
    public static double Bytes(SequenceClassifierOptions o, int batch)
    {
        double gates = o.Cell switch { CellType.Lstm => 4, CellType.Gru => 3, _ => 1 };
        double activations = (double)o.Layers * o.Steps * batch * o.Units * (gates + 3);
        return 4 * (4 * Parameters(o) + activations);
    }

    /// <summary>Throws a one-line <see cref="CliException"/> when the model cannot fit in memory.</summary>
    public static void Check(SequenceClassifierOptions o, int batch)
    {
        double parameters = Parameters(o);
        if (parameters > Array.MaxLength)
            throw new CliException(
                $"--units {o.Units} x --layers {o.Layers} makes {parameters:G3} parameters, more than the {Array.MaxLength} floats " +
                "one parameter buffer can hold; lower --units or --layers.");
        double needed = Bytes(o, batch);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (needed > 0.9 * available)
            throw new CliException(
                $"--units {o.Units}, --layers {o.Layers}, --batch {batch} need about {Gb(needed)} for training " +
                $"(weights, gradients, Adam state, activations), more than the {Gb(available)} of memory available; " +
                "lower --units, --layers or --batch.");
    }

    /// <summary>The <c>--out</c> folder, checked: not empty, and not a file or under one.</summary>
    public static string? OutFolder(string? option, string? fallback)
    {
        if (option is null) return fallback;
        if (string.IsNullOrWhiteSpace(option)) throw new UsageException("--out needs a folder path, got an empty value.");
        string full;
        try
        {
            full = Path.GetFullPath(option);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"--out '{option}' is not a valid path.");
        }
        for (string? p = full; p is not null; p = Path.GetDirectoryName(p))
            if (File.Exists(p))
                throw new CliException(p == full
                    ? $"--out '{option}' is a file; it must be a folder (it receives model.ckpt, metrics.csv...)."
                    : $"--out '{option}' cannot be created: '{p}' is a file, not a folder.");
        return option;
    }

    private static string Gb(double bytes) => $"{bytes / (1L << 30):0.0} GiB";
}
