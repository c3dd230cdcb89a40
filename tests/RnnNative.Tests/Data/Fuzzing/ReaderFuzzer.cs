using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace RnnNative.Tests.Data.Fuzzing;

/// <summary>
/// A seeded mutation fuzzer for the readers. Inputs are drawn from the target's seeds and its corpus
/// (FuzzCorpus/&lt;target&gt;/*.bin), mutated (bit flips, byte sets, boundary integers, inserts, deletes,
/// truncation, chunk duplication and splices), and read. Each input must either read or throw the documented
/// exception type with a non-empty message, and allocate no more than the target's bound.
/// </summary>
/// <remarks>
/// "Interesting" inputs are those whose outcome signature (the exception type and its message with numbers
/// and quoted text removed) has not been seen before: a cheap stand-in for coverage. With
/// <c>saveInteresting</c> they are written to the corpus folder, as are all failures, so the next run (and
/// every CI run, which replays the corpus) starts from them.
/// </remarks>
internal sealed class ReaderFuzzer(FuzzTarget target, int seed)
{
    private static readonly uint[] BoundaryWords = [0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF];
    private readonly Random _rng = new(seed);
    private readonly HashSet<string> _signatures = [];

    /// <summary>Findings (input hex and why), at most one per signature.</summary>
    public List<string> Failures { get; } = [];

    /// <summary>Inputs read so far.</summary>
    public long Executions { get; private set; }

    /// <summary>Distinct outcome signatures seen.</summary>
    public int Signatures => _signatures.Count;

    /// <summary>Inputs newly saved to the corpus.</summary>
    public int Saved { get; private set; }

    /// <summary>The corpus folder of a target in the source tree.</summary>
    public static string CorpusFolder(string target) =>
        Path.Combine(RepoPaths.Root, "tests", "RnnNative.Tests", "Data", "FuzzCorpus", target);

    /// <summary>The committed corpus files of a target, sorted by name.</summary>
    public static string[] CorpusFiles(string target) =>
        Directory.Exists(CorpusFolder(target))
            ? Directory.GetFiles(CorpusFolder(target), "*.bin").Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>Most inputs one run adds to a target's corpus (keeps the committed corpus small).</summary>
    public const int MaxSavedPerRun = 40;

    /// <summary>Runs until <paramref name="iterations"/> inputs or <paramref name="budget"/> have passed.</summary>
    public void Run(long iterations, TimeSpan budget, bool saveInteresting)
    {
        var pool = target.Seeds.Concat(CorpusFiles(target.Name).Select(File.ReadAllBytes)).ToList();
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < iterations && clock.Elapsed < budget; i++)
        {
            byte[] input = Mutate(pool[_rng.Next(pool.Count)], pool);
            var outcome = Execute(target, input);
            Executions++;
            if (!_signatures.Add(outcome.Signature)) continue;
            if (outcome.Failure is not null) Failures.Add($"{outcome.Failure} for input {Hex(input)}");
            if (saveInteresting || outcome.Failure is not null)
            {
                pool.Add(input);
                bool keep = outcome.Failure is not null || Saved < MaxSavedPerRun;
                if (saveInteresting && keep && input.Length <= 1 << 16 && Save(target.Name, input)) Saved++;
            }
        }
    }

    /// <summary>Reads one input and judges the result.</summary>
    public static FuzzOutcome Execute(FuzzTarget target, byte[] input)
    {
        long bound = target.MaxAllocatedBytes(input);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Exception? error = null;
        try
        {
            target.Read(input);
        }
        catch (Exception e)
        {
            error = e;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        string signature = error is null ? "ok" : $"{error.GetType().Name}: {Normalize(error.Message)}";
        if (allocated > bound)
            return new($"alloc/{signature}", $"allocated {allocated} bytes, above the bound {bound} ({signature})");
        if (error is null) return new(signature, null);
        if (!target.Documented.IsInstanceOfType(error))
            return new(signature, $"{error.GetType().Name} instead of {target.Documented.Name}: {error.Message}");
        if (string.IsNullOrWhiteSpace(error.Message)) return new(signature, "empty message");
        return new(signature, null);
    }

    private byte[] Mutate(byte[] seed, List<byte[]> pool)
    {
        var bytes = new List<byte>(seed);
        int rounds = 1 + _rng.Next(4);
        for (int r = 0; r < rounds; r++) MutateOnce(bytes, pool);
        byte[] result = bytes.ToArray();
        return target.Reseal is { } reseal && _rng.Next(2) == 0 ? reseal(result) : result;
    }

    private void MutateOnce(List<byte> bytes, List<byte[]> pool)
    {
        int at = bytes.Count == 0 ? 0 : _rng.Next(bytes.Count);
        switch (_rng.Next(8))
        {
            case 0 when bytes.Count > 0: bytes[at] ^= (byte)(1 << _rng.Next(8)); break;
            case 1 when bytes.Count > 0: bytes[at] = (byte)_rng.Next(256); break;
            case 2 when bytes.Count >= 4: // a boundary 32-bit word, big- or little-endian (sizes, dims, counts)
                uint word = BoundaryWords[_rng.Next(BoundaryWords.Length)];
                int start = Math.Min(at, bytes.Count - 4);
                bool big = _rng.Next(2) == 0;
                for (int k = 0; k < 4; k++) bytes[start + k] = (byte)(word >> (8 * (big ? 3 - k : k)));
                break;
            case 3: bytes.InsertRange(at, Enumerable.Range(0, 1 + _rng.Next(4)).Select(_ => (byte)_rng.Next(256))); break;
            case 4 when bytes.Count > 0: bytes.RemoveRange(at, Math.Min(1 + _rng.Next(8), bytes.Count - at)); break;
            case 5: bytes.RemoveRange(at, bytes.Count - at); break;
            case 6: // splice: the tail of another pool input
                byte[] other = pool[_rng.Next(pool.Count)];
                int from = other.Length == 0 ? 0 : _rng.Next(other.Length);
                bytes.RemoveRange(at, bytes.Count - at);
                bytes.AddRange(other.AsSpan(from).ToArray());
                break;
            default:
                int len = Math.Min(1 + _rng.Next(16), bytes.Count - at);
                bytes.InsertRange(at, bytes.GetRange(at, len));
                break;
        }
    }

    // The message's plain words only (no numbers, hex, quoted cell text or paths), so one kind of error is one
    // signature whatever the bytes that caused it.
    private static string Normalize(string message)
    {
        int colon = message.IndexOf(": ", StringComparison.Ordinal); // drop the source name
        string text = colon >= 0 && colon < 40 ? message[(colon + 2)..] : message;
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => Regex.IsMatch(w, "^[A-Za-z][a-z]*[,.:;]?$"));
        return string.Join(' ', words);
    }

    private static bool Save(string name, byte[] input)
    {
        string folder = CorpusFolder(name);
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, Convert.ToHexStringLower(SHA256.HashData(input))[..16] + ".bin");
        if (File.Exists(path)) return false;
        File.WriteAllBytes(path, input);
        return true;
    }

    private static string Hex(byte[] input) =>
        input.Length <= 256 ? Convert.ToHexString(input) : $"{Convert.ToHexString(input.AsSpan(0, 256))}... ({input.Length} bytes)";
}
