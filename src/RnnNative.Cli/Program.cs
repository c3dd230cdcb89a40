namespace RnnNative.Cli;

internal static class Program
{
    // Ctrl+C asks training to stop after the current batch (and save); a second Ctrl+C ends the process.
    private static int Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (stop.IsCancellationRequested) return;
            e.Cancel = true;
            stop.Cancel();
        };
        return RnnCli.Run(args, Console.Out, Console.Error, Console.In, stop.Token, terminal: true);
    }
}
