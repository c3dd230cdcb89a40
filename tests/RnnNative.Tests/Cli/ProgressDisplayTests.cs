using RnnNative.Cli;
using Spectre.Console;

namespace RnnNative.Tests.Cli;

/// <summary>The progress display: its lines on redirected output (tenths, the 30-s rule), quiet, BeginAt, the bar.</summary>
public class ProgressDisplayTests
{
    /// <summary>A clock that moves only when told to.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private static (ProgressDisplay Display, StringWriter Output, ManualClock Clock) Redirected(bool quiet = false, string? rateUnit = "samples/s")
    {
        var output = new StringWriter();
        var clock = new ManualClock();
        var display = new ProgressDisplay(Consoles.Create(output, terminal: false), "train", "steps", quiet, rateUnit, clock);
        return (display, output, clock);
    }

    private static string[] Lines(StringWriter output) => output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void RedirectedOutputGetsOneLineAtEachTenth()
    {
        var (display, output, clock) = Redirected();
        Assert.Equal(ProgressMode.Lines, display.Mode);
        display.BeginAt(0);
        display.Run(() =>
        {
            for (int step = 1; step <= 600; step++)
            {
                clock.Advance(TimeSpan.FromMilliseconds(10));
                display.Report(step, 600, 1234.4, "epoch 1/1 loss 0.5000");
            }
            return 0;
        });
        string[] lines = Lines(output);
        Assert.Equal(Enumerable.Range(1, 10).Select(t => $"progress train: {10 * t}% {60 * t}/600 steps,"), lines.Select(l => l[..l.IndexOf(',')] + ","));
        // At 240 steps: 2.4 s for 240 steps, 360 to go at 10 ms each = 3.6 s.
        Assert.Equal("progress train: 40% 240/600 steps, 1,234 samples/s, eta 0:03, epoch 1/1 loss 0.5000", lines[3]);
        Assert.EndsWith("eta 0:00, epoch 1/1 loss 0.5000", lines[^1]);
    }

    [Fact]
    public void ALineComesAtLeastEvery30SecondsBetweenTenths()
    {
        var (display, output, clock) = Redirected();
        display.BeginAt(0);
        for (int step = 1; step <= 20; step++)   // 20 of 1,000 steps: no tenth is reached
        {
            clock.Advance(TimeSpan.FromSeconds(7));
            display.Report(step, 1000);
        }
        // Reports at 7, 14, ... 140 s: a line at 35 s, then 30 s or more after each line: 70, 105, 140 s.
        Assert.Equal(["5/1,000", "10/1,000", "15/1,000", "20/1,000"], Lines(output).Select(l => l.Split(' ')[3]));
        // No rate given: the counted steps per second (1 per 7 s rounds to 0); ETA 980 steps x 7 s.
        Assert.Equal("progress train: 2% 20/1,000 steps, 0 samples/s, eta 1:54:20", Lines(output)[^1]);
    }

    [Fact]
    public void EveryLineIsOneLineHoweverLongOrBrokenTheNote()
    {
        var (display, output, clock) = Redirected();
        display.BeginAt(0);
        string note = "first\nsecond " + new string('x', 400);
        for (int step = 1; step <= 10; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            display.Report(step, 10, double.NaN, note);
        }
        string[] lines = Lines(output);
        Assert.Equal(10, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("progress train: ", l));
        Assert.All(lines, l => Assert.EndsWith("first second " + new string('x', 400), l));
    }

    [Fact]
    public void QuietShowsNothing()
    {
        var (display, output, clock) = Redirected(quiet: true);
        Assert.Equal(ProgressMode.Off, display.Mode);
        int result = display.Run(() =>
        {
            for (int step = 1; step <= 100; step++)
            {
                clock.Advance(TimeSpan.FromMinutes(1));
                display.Report(step, 100, 5, "note");
            }
            return 7;
        });
        Assert.Equal(7, result);
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void BeginAtStartsPartWayAndTimesOnlyTheNewWork()
    {
        var (display, output, clock) = Redirected(rateUnit: "steps/s");
        display.BeginAt(300);
        for (int step = 301; step <= 600; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            display.Report(step, 600);
        }
        string[] lines = Lines(output);
        Assert.Equal(["60%", "70%", "80%", "90%", "100%"], lines.Select(l => l.Split(' ')[2]));
        // 60 steps in 0.6 s since BeginAt: 100 steps/s, 240 to go = 2.4 s.
        Assert.Equal("progress train: 60% 360/600 steps, 100 steps/s, eta 0:02", lines[0]);
    }

    [Fact]
    public void WithoutBeginAtTheFirstReportedUnitStartsTheCount()
    {
        var (display, output, clock) = Redirected(rateUnit: null);
        for (int step = 451; step <= 500; step++)   // a resumed run reporting from step 451 of 500
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            display.Report(step, 500);
        }
        Assert.Equal(["progress train: 100% 500/500 steps, eta 0:00"], Lines(output));
    }

    [Fact]
    public void EtaIsUnknownBeforeWorkAndShowsHours()
    {
        var (display, _, _) = Redirected();
        display.BeginAt(10);
        Assert.Equal("?", display.Eta(10, 100, TimeSpan.FromSeconds(5)));
        Assert.Equal("1:00:00", display.Eta(20, 110, TimeSpan.FromSeconds(400)));   // 40 s per unit, 90 to go
        Assert.Equal("0:45", display.Eta(20, 65, TimeSpan.FromSeconds(10)));
        Assert.Equal("0:00", display.Eta(65, 65, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void AnInteractiveTerminalGetsTheBarAndNoPlainLines()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.Yes, Interactive = InteractionSupport.Yes,
        });
        var clock = new ManualClock();
        var display = new ProgressDisplay(console, "train", "steps", time: clock).BeginAt(0);
        Assert.Equal(ProgressMode.Bar, display.Mode);
        display.Run(() =>
        {
            for (int step = 1; step <= 50; step++)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                display.Report(step, 50, double.NaN, "loss 0.1234");
                if (step == 25) Thread.Sleep(300);   // the bar refreshes on its own thread
            }
            return 0;
        });
        Assert.Contains("train loss 0.1234", output.ToString());
        Assert.DoesNotContain("progress train:", output.ToString());
    }
}
