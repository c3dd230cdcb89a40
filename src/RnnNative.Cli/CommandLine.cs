using System.Globalization;

namespace RnnNative.Cli;

/// <summary>A mistake on the command line (unknown option, bad value...): printed as one line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>A user-facing failure that is not a usage mistake (e.g. no data found): one line, exit code 1.</summary>
internal sealed class CliException(string message) : Exception(message);

/// <summary>
/// The options of one command: <c>--name value</c>, <c>--name=value</c> and value-less flags, each at most once,
/// no positional arguments. Typed getters check ranges and name the option in their errors.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private CommandLine(string command) => Command = command;

    /// <summary>The command name (for messages).</summary>
    public string Command { get; }

    /// <summary>Parses <paramref name="args"/> against the command's value options and flags.</summary>
    public static CommandLine Parse(string command, IReadOnlyList<string> args, IReadOnlyCollection<string> valueOptions,
        IReadOnlyCollection<string> flags)
    {
        var result = new CommandLine(command);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new UsageException(arg == "-h" ? "use --help" : $"unexpected argument '{arg}' for 'rnn {command}' (options start with --).");
            int eq = arg.IndexOf('=');
            string name = eq < 0 ? arg : arg[..eq];
            if (flags.Contains(name))
            {
                if (eq >= 0) throw new UsageException($"{name} takes no value.");
                if (!result._flags.Add(name)) throw new UsageException($"{name} is given twice.");
            }
            else if (valueOptions.Contains(name))
            {
                string? value = eq >= 0 ? arg[(eq + 1)..] : i + 1 < args.Count ? args[++i] : null;
                if (value is null) throw new UsageException($"{name} needs a value.");
                if (!result._values.TryAdd(name, value)) throw new UsageException($"{name} is given twice.");
            }
            else throw new UsageException($"unknown option {name} for 'rnn {command}' (see rnn {command} --help).");
        }
        return result;
    }

    /// <summary>Every value option given, by name.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>Whether a flag is present.</summary>
    public bool Has(string flag) => _flags.Contains(flag);

    /// <summary>The raw value of an option, or null.</summary>
    public string? String(string name) => _values.GetValueOrDefault(name);

    /// <summary>The value of a required option.</summary>
    public string Required(string name) => String(name) ?? throw new UsageException($"'rnn {Command}' needs {name}.");

    /// <summary>An integer option in [min, max], or null when absent.</summary>
    public int? Int(string name, int min, int max = int.MaxValue)
    {
        if (String(name) is not { } text) return null;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new UsageException($"{name} must be an integer in [{min}, {(max == int.MaxValue ? "∞" : max)}], got '{text}'.");
        return value;
    }

    /// <summary>A finite number option greater than 0, or null when absent.</summary>
    public double? Positive(string name)
    {
        if (String(name) is not { } text) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value <= 0)
            throw new UsageException($"{name} must be a positive number, got '{text}'.");
        return value;
    }

    /// <summary>
    /// A number option as the float32 it will be used as: finite, positive and a normal float (≥ ~1.2e-38), or
    /// null when absent. Checked after the conversion: 1e39 would become +Inf and 1e-50 would become 0.
    /// </summary>
    public float? PositiveSingle(string name)
    {
        if (Positive(name) is not double value) return null;
        float single = (float)value;
        if (!float.IsFinite(single) || !float.IsNormal(single))
            throw new UsageException(
                $"{name} must be a positive 32-bit float between 1.18e-38 and {float.MaxValue:G3}, got '{String(name)}' " +
                $"(it would be used as {single.ToString(CultureInfo.InvariantCulture)}).");
        return single;
    }

    /// <summary>One of <paramref name="choices"/> (case-insensitive), or null when absent.</summary>
    public T? Choice<T>(string name, IReadOnlyDictionary<string, T> choices) where T : struct
    {
        if (String(name) is not { } text) return null;
        foreach (var (key, value) in choices)
            if (string.Equals(key, text, StringComparison.OrdinalIgnoreCase)) return value;
        throw new UsageException($"{name} must be one of {string.Join(", ", choices.Keys)}, got '{text}'.");
    }
}
