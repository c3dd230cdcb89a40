using System.Globalization;
using Xunit.Abstractions;

namespace RnnNative.Tests.Data.Fuzzing;

/// <summary>
/// The readers under the mutation fuzzer: a fixed-seed, bounded run in every test run (about 5 s per reader)
/// and the committed corpus replayed. <c>build.ps1 fuzz -Seconds N</c> sets RNNNATIVE_FUZZ_SECONDS: each reader
/// then runs N/3 seconds from a random seed and saves new interesting inputs and failures into FuzzCorpus/.
/// </summary>
public sealed class FuzzHarnessTests(ITestOutputHelper output) : IDisposable
{
    private const long CiIterations = 4000;
    private static readonly TimeSpan CiBudget = TimeSpan.FromSeconds(5);
    private readonly TempFolder _scratch = new();

    public static TheoryData<string> Targets => new() { "idx", "csv", "ckpt" };

    private FuzzTarget Target(string name) => name switch
    {
        "idx" => FuzzTargets.Idx(),
        "csv" => FuzzTargets.Csv(),
        _ => FuzzTargets.Checkpoints(Path.Combine(_scratch.Path, "fuzz.ckpt")),
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public void MutatedInputsGiveOnlyTheDocumentedExceptionWithinTheAllocationBound(string name)
    {
        var target = Target(name);
        bool longRun = double.TryParse(Environment.GetEnvironmentVariable("RNNNATIVE_FUZZ_SECONDS"),
            NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0;
        int seed = longRun ? Random.Shared.Next() : 20261204;
        var fuzzer = new ReaderFuzzer(target, seed);
        if (longRun) fuzzer.Run(long.MaxValue, TimeSpan.FromSeconds(seconds / Targets.Count), saveInteresting: true);
        else fuzzer.Run(CiIterations, CiBudget, saveInteresting: false);
        output.WriteLine($"{name}: seed {seed}, {fuzzer.Executions} inputs, {fuzzer.Signatures} outcome kinds, {fuzzer.Saved} saved to the corpus");
        Assert.True(fuzzer.Failures.Count == 0, $"{name} (seed {seed}):\n" + string.Join("\n", fuzzer.Failures));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void CorpusInputsGiveOnlyTheDocumentedExceptionWithinTheAllocationBound(string name)
    {
        var target = Target(name);
        var failures = new List<string>();
        foreach (string path in ReaderFuzzer.CorpusFiles(name))
            if (ReaderFuzzer.Execute(target, File.ReadAllBytes(path)).Failure is { } failure)
                failures.Add($"{Path.GetFileName(path)}: {failure}");
        foreach (byte[] seed in target.Seeds)
            Assert.Null(ReaderFuzzer.Execute(target, seed).Failure);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    public void Dispose() => _scratch.Dispose();
}
