using System.Runtime.InteropServices;

namespace RnnNative.Cli;

internal static class Program
{
    // Under mpirun (Open MPI), which aborts the job on SIGINT but forwards SIGUSR1 to every rank: the signal that asks
    // every rank of a job to stop after the same batch and save (`kill -USR1 <mpirun's pid>`).
    private const PosixSignal StopSignal = (PosixSignal)10; // SIGUSR1 on Linux

    // Ctrl+C (or SIGUSR1 on Linux) asks training to stop after the current batch (and save); a second Ctrl+C ends the process.
    private static int Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (stop.IsCancellationRequested) return;
            e.Cancel = true;
            stop.Cancel();
        };
        using var usr1 = OperatingSystem.IsLinux() ? PosixSignalRegistration.Create(StopSignal, c => { c.Cancel = true; stop.Cancel(); }) : null;
        return RnnCli.Run(args, Console.Out, Console.Error, Console.In, stop.Token, terminal: true);
    }
}
