using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>Spectre consoles over a writer: the real terminal is detected, anything else gets plain text.</summary>
internal static class Consoles
{
    /// <summary>A console over <paramref name="writer"/>; <paramref name="redirected"/>: whether that stream is not a terminal.</summary>
    public static IAnsiConsole Create(TextWriter writer, bool terminal, bool? redirected = null)
    {
        var settings = new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) };
        if (!terminal || (redirected ?? Console.IsOutputRedirected) || Environment.GetEnvironmentVariable("CI") is not null
            || Distributed.Communicator.LaunchedByMpirun) // mpirun merges every rank's output into one log
        {
            settings.Ansi = AnsiSupport.No;
            settings.ColorSystem = ColorSystemSupport.NoColors;
            settings.Interactive = InteractionSupport.No;
        }
        else settings.Interactive = InteractionSupport.Yes;   // Spectre's own guess says no for stderr when stdout is redirected
        var console = AnsiConsole.Create(settings);
        if (settings.Interactive == InteractionSupport.No) console.Profile.Width = 200; // no wrapping in logs and files
        return console;
    }

    /// <summary>
    /// A coloured <paramref name="label"/> (markup) then <paramref name="text"/> as written, never wrapped:
    /// one error is one line in a log however long it is.
    /// </summary>
    public static void WriteLine(IAnsiConsole console, string label, string text)
    {
        console.Markup(label + " ");
        console.Profile.Out.Writer.WriteLine(text);
    }
}
