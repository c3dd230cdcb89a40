using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace RnnNative.Cli;

/// <summary>How a <see cref="ProgressDisplay"/> shows progress.</summary>
internal enum ProgressMode
{
    /// <summary>A live bar (interactive terminal).</summary>
    Bar,

    /// <summary>Plain single lines at each tenth and at least every 30 s (redirected output, CI, mpirun).</summary>
    Lines,

    /// <summary>Nothing (--quiet).</summary>
    Off,
}

/// <summary>
/// The one progress display of every long <c>rnn</c> command. On an interactive terminal a live bar
/// (label, bar, percent, count/total, rate, ETA); on redirected output plain lines such as
/// <c>progress train: 40% 240/600 steps, 1,234 samples/s, eta 0:12, epoch 5/12 loss 0.4321</c>, one at each
/// tenth of the work and at least every 30 s, each written as one unwrapped line; nothing when quiet.
/// </summary>
/// <remarks>
/// The command calls <see cref="Report"/> after each unit of work (a step, a batch, a configuration) inside
/// <see cref="Run{T}"/>. The rate and ETA count only the work done since <see cref="BeginAt"/> (a resumed run
/// starts part-way); without a call the display begins where the first report's unit started.
/// </remarks>
internal sealed class ProgressDisplay
{
    /// <summary>The longest time between two lines in <see cref="ProgressMode.Lines"/> mode (when reports come).</summary>
    public static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan BarRefresh = TimeSpan.FromMilliseconds(100);

    private readonly IAnsiConsole _console;
    private readonly string _command, _unit;
    private readonly string? _rateUnit;
    private readonly TimeProvider _time;
    private readonly ProgressBarColumn _bar = new();
    private ProgressTask? _task;
    private string _stats = "";
    private long? _begun;
    private long _beganAt, _lastShown;
    private int _lastTenth = -1;

    /// <param name="console">Where the display goes (the error console when stdout is machine-readable).</param>
    /// <param name="command">The command, e.g. "train" (the lines start with "progress train:").</param>
    /// <param name="unit">What is counted, plural: "steps", "batches", "configurations".</param>
    /// <param name="quiet">Show nothing.</param>
    /// <param name="rateUnit">
    /// The unit of the rate passed to <see cref="Report"/>, e.g. "samples/s" (a report without one shows the counted
    /// units per second since <see cref="BeginAt"/>); null: no rate shown.
    /// </param>
    /// <param name="time">The clock (tests inject one).</param>
    public ProgressDisplay(IAnsiConsole console, string command, string unit, bool quiet = false, string? rateUnit = null,
        TimeProvider? time = null)
    {
        (_console, _command, _unit, _rateUnit, _time) = (console, command, unit, rateUnit, time ?? TimeProvider.System);
        Mode = quiet ? ProgressMode.Off : console.Profile.Capabilities.Interactive ? ProgressMode.Bar : ProgressMode.Lines;
    }

    /// <summary>Bar, lines or nothing.</summary>
    public ProgressMode Mode { get; }

    /// <summary>
    /// Starts counting at <paramref name="done"/> units already done (a resumed run): the bar starts there, no
    /// line is printed for the tenths before it, and the ETA uses only the work from here on.
    /// </summary>
    public ProgressDisplay BeginAt(long done)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(done);
        _begun = done;
        _beganAt = _lastShown = _time.GetTimestamp();
        _lastTenth = -1;
        return this;
    }

    /// <summary>Runs <paramref name="work"/> with the display live (in bar mode: inside a Spectre progress context).</summary>
    public T Run<T>(Func<T> work)
    {
        if (Mode != ProgressMode.Bar) return work();
        return _console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, _bar, new StatsColumn(this), new SpinnerColumn())
            .Start(context =>
            {
                _task = context.AddTask(_command, autoStart: true, maxValue: 1);
                try
                {
                    return work();
                }
                finally
                {
                    _task = null;
                }
            });
    }

    /// <summary>
    /// <paramref name="done"/> of <paramref name="total"/> units are done; <paramref name="rate"/> in the rate unit
    /// (NaN: the counted units per second); <paramref name="detail"/>: a short note such as "epoch 3/12 loss 0.4321".
    /// </summary>
    public void Report(long done, long total, double rate = double.NaN, string? detail = null) =>
        Report(done, total, rate, detail, static d => d);

    /// <summary>
    /// As <see cref="Report(long, long, double, string?)"/>, the note made by <paramref name="detail"/>(<paramref name="state"/>)
    /// only when something is shown (a report after every training step then formats nothing in between).
    /// </summary>
    public void Report<TState>(long done, long total, double rate, TState state, Func<TState, string?> detail)
    {
        if (Mode == ProgressMode.Off || total <= 0) return;
        if (_begun is null) BeginAt(Math.Max(0, done - 1));
        long now = _time.GetTimestamp();
        if (Mode == ProgressMode.Bar)
        {
            if (_task is null || _time.GetElapsedTime(_lastShown, now) < BarRefresh && done < total) return;
            UpdateBar(done, total, rate, detail(state), now);
        }
        else if (LineDue(done, total, now)) WriteLine(done, total, rate, detail(state), now);
    }

    /// <summary>The text after the label: "40% 240/600 steps, 1,234 samples/s, eta 0:12".</summary>
    public string Stats(long done, long total, double rate, TimeSpan elapsed)
    {
        var inv = CultureInfo.InvariantCulture;
        long percent = Math.Clamp(100 * done / total, 0, 100);
        string text = string.Create(inv, $"{percent}% {done:N0}/{total:N0} {_unit}");
        long since = done - (_begun ?? 0);
        if (double.IsNaN(rate) && since > 0 && elapsed > TimeSpan.Zero) rate = since / elapsed.TotalSeconds;
        if (_rateUnit is not null && double.IsFinite(rate)) text += string.Create(inv, $", {rate:N0} {_rateUnit}");
        return text + ", eta " + Eta(done, total, elapsed);
    }

    /// <summary>The remaining time at the rate since <see cref="BeginAt"/>: "m:ss", "h:mm:ss", or "?" before any work.</summary>
    public string Eta(long done, long total, TimeSpan elapsed)
    {
        long since = done - (_begun ?? 0);
        if (done >= total) return "0:00";
        if (since <= 0 || elapsed <= TimeSpan.Zero) return "?";
        var left = TimeSpan.FromSeconds(Math.Min(elapsed.TotalSeconds / since * (total - done), TimeSpan.FromDays(99).TotalSeconds));
        return left.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)left.TotalHours}:{left.Minutes:00}:{left.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{left.Minutes}:{left.Seconds:00}");
    }

    private void UpdateBar(long done, long total, double rate, string? detail, long now)
    {
        _lastShown = now;
        _stats = Stats(done, total, rate, _time.GetElapsedTime(_beganAt, now));
        _task!.MaxValue = total;
        _task.Value = Math.Min(done, total);
        string label = detail is null ? _command : $"{_command} {detail}";
        _task.Description = Markup.Escape(label);
        // The bar takes what the label, the figures and the spinner leave of the line (4 separating spaces, 2 spare).
        _bar.Width = Math.Clamp(_console.Profile.Width - label.Length - _stats.Length - 8, 5, 40);
    }

    // Due when the work enters a new tenth (counted from where it began) or 30 s after the last line.
    private bool LineDue(long done, long total, long now)
    {
        if (_lastTenth < 0) _lastTenth = Tenth(_begun ?? 0, total);
        int tenth = Tenth(done, total);
        if (tenth <= _lastTenth && _time.GetElapsedTime(_lastShown, now) < LineInterval) return false;
        _lastTenth = Math.Max(_lastTenth, tenth);
        return true;
    }

    private void WriteLine(long done, long total, double rate, string? detail, long now)
    {
        _lastShown = now;
        string line = $"progress {_command}: {Stats(done, total, rate, _time.GetElapsedTime(_beganAt, now))}";
        if (detail is not null) line += ", " + detail;
        _console.Profile.Out.Writer.WriteLine(line.ReplaceLineEndings(" "));   // the raw writer: never wrapped
    }

    private static int Tenth(long done, long total) => (int)Math.Clamp(10 * done / total, 0, 10);

    // The bar's text column: the latest Stats().
    private sealed class StatsColumn(ProgressDisplay owner) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(owner._stats) { Overflow = Overflow.Ellipsis };
    }
}
