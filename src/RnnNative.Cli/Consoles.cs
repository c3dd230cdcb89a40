using Spectre.Console;

namespace RnnNative.Cli;

/// <summary>Spectre consoles over a writer: the real terminal is detected, anything else gets plain text.</summary>
internal static class Consoles
{
    public static IAnsiConsole Create(TextWriter writer, bool terminal)
    {
        var settings = new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) };
        if (!terminal || Console.IsOutputRedirected || Environment.GetEnvironmentVariable("CI") is not null)
        {
            settings.Ansi = AnsiSupport.No;
            settings.ColorSystem = ColorSystemSupport.NoColors;
            settings.Interactive = InteractionSupport.No;
        }
        var console = AnsiConsole.Create(settings);
        if (settings.Interactive == InteractionSupport.No) console.Profile.Width = 200; // no wrapping in logs and files
        return console;
    }
}
