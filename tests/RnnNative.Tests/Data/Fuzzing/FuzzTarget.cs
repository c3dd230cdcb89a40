namespace RnnNative.Tests.Data.Fuzzing;

/// <summary>
/// One reader under fuzzing: its valid seed inputs, how to run it on bytes, the one exception type it may throw
/// (with a message), and the allocation it may make for an input.
/// </summary>
/// <param name="Name">Folder name of its corpus (FuzzCorpus/&lt;Name&gt;).</param>
/// <param name="Seeds">Valid inputs produced by the current writers; mutated into test inputs.</param>
/// <param name="Read">Parses the bytes; returns normally or throws.</param>
/// <param name="Documented">The exception type the reader documents for bad input.</param>
/// <param name="MaxAllocatedBytes">Bound on the managed bytes one read may allocate for an input.</param>
/// <param name="Reseal">Optional: repairs a mutated input's checksum so mutations reach past it (null: none).</param>
internal sealed record FuzzTarget(
    string Name,
    IReadOnlyList<byte[]> Seeds,
    Action<byte[]> Read,
    Type Documented,
    Func<byte[], long> MaxAllocatedBytes,
    Func<byte[], byte[]>? Reseal = null);

/// <summary>What one input did: nothing wrong, or why it is a finding.</summary>
internal readonly record struct FuzzOutcome(string Signature, string? Failure);
