namespace RnnNative.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.WriteLine("rnn: commands arrive with the CLI issue.");
        return 0;
    }
}
