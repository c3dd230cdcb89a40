using RnnNative.Cli;
using RnnNative.Tests.Data;

namespace RnnNative.Tests.Cli;

/// <summary>The <c>rnn</c> command run in-process, every line it writes (output and errors) in one string.</summary>
internal static class InProcessRnn
{
    /// <summary>The shipped 8×8 digits CSV: small enough for a CLI test to train on in a second.</summary>
    public static readonly string Digits = Path.Combine(RepoPaths.Root, "data", "digits.csv.gz");

    public static (int Code, string Output) Rnn(params string[] args)
    {
        var output = new StringWriter();
        int code = RnnCli.Run(args, output, output, TextReader.Null, default);
        return (code, output.ToString());
    }

    /// <summary>Standard output and standard error apart (machine-readable output must stay clean of progress).</summary>
    public static (int Code, string Output, string Errors) RnnApart(params string[] args)
    {
        var (output, errors) = (new StringWriter(), new StringWriter());
        int code = RnnCli.Run(args, output, errors, TextReader.Null, default);
        return (code, output.ToString(), errors.ToString());
    }
}

/// <summary>An output that cancels its token once the epoch-1 table line is written: after epoch 1's evaluation and saves.</summary>
internal sealed class CancelAfterEpochOne(CancellationTokenSource stop) : StringWriter
{
    public override void Write(char value) { base.Write(value); Check(); }
    public override void Write(string? value) { base.Write(value); Check(); }
    public override void Write(char[] buffer, int index, int count) { base.Write(buffer, index, count); Check(); }
    private void Check()
    {
        if (!stop.IsCancellationRequested && ToString().Contains("\n    1 ")) stop.Cancel();
    }
}
