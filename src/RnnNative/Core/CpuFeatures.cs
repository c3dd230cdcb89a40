using System.Runtime.Intrinsics;
using X86 = System.Runtime.Intrinsics.X86;
using X86Base = System.Runtime.Intrinsics.X86.X86Base;

namespace RnnNative;

/// <summary>The CPU's vector instruction sets, caches and name, detected once per process (<see cref="Current"/>).</summary>
/// <remarks>
/// The instruction-set flags are what .NET reports as usable (the CPU has them and the OS saves their registers);
/// AVX512_BF16 has no .NET flag and is read from CPUID leaf 7, subleaf 1, EAX bit 5. Cache sizes come from
/// <c>/sys/devices/system/cpu/cpu0/cache</c> and the name from <c>/proc/cpuinfo</c> where they are readable
/// (0 and "" otherwise).
/// </remarks>
public sealed record CpuFeatures
{
    /// <summary>The processor's model name, e.g. "AMD EPYC 7B13"; "" when unknown.</summary>
    public required string ModelName { get; init; }
    /// <summary>AVX2.</summary>
    public required bool Avx2 { get; init; }
    /// <summary>FMA3.</summary>
    public required bool Fma { get; init; }
    /// <summary>AVX-512 Foundation.</summary>
    public required bool Avx512F { get; init; }
    /// <summary>AVX-512 Conflict Detection.</summary>
    public required bool Avx512CD { get; init; }
    /// <summary>AVX-512 Byte and Word.</summary>
    public required bool Avx512BW { get; init; }
    /// <summary>AVX-512 Vector Length extensions.</summary>
    public required bool Avx512VL { get; init; }
    /// <summary>AVX-512 Doubleword and Quadword.</summary>
    public required bool Avx512DQ { get; init; }
    /// <summary>AVX-512 VBMI.</summary>
    public required bool Avx512Vbmi { get; init; }
    /// <summary>AVX512_BF16 (bfloat16 dot products, <c>vdpbf16ps</c>).</summary>
    public required bool Avx512Bf16 { get; init; }
    /// <summary>AVX10.1.</summary>
    public required bool Avx10v1 { get; init; }
    /// <summary>Whether .NET runs <see cref="Vector256"/> in hardware.</summary>
    public required bool Vector256Accelerated { get; init; }
    /// <summary>Whether .NET runs <see cref="Vector512"/> in hardware (it may decline on CPUs that have AVX-512).</summary>
    public required bool Vector512Accelerated { get; init; }
    /// <summary>L1 data, L2 and L3 cache sizes of CPU 0 in bytes (0 = not readable).</summary>
    public required long L1DataBytes { get; init; }
    /// <inheritdoc cref="L1DataBytes"/>
    public required long L2Bytes { get; init; }
    /// <inheritdoc cref="L1DataBytes"/>
    public required long L3Bytes { get; init; }

    /// <summary>The widest vectors the managed kernels use: 512, 256 or 128 bits.</summary>
    public int VectorBits => Vector512Accelerated ? 512 : Vector256Accelerated ? 256 : 128;

    /// <summary>AVX-512 F, CD, BW, DQ and VL: the set MKL's <c>avx512</c> kernels (Skylake-SP and later) need.</summary>
    public bool HasAvx512SkylakeSet => Avx512F && Avx512CD && Avx512BW && Avx512DQ && Avx512VL;

    /// <summary>This process's CPU, detected on first use.</summary>
    public static CpuFeatures Current => LazyCurrent.Value;

    private static readonly Lazy<CpuFeatures> LazyCurrent = new(Detect);

    private static CpuFeatures Detect() => new()
    {
        ModelName = CpuInfoFile.ModelName(), Avx2 = X86.Avx2.IsSupported, Fma = X86.Fma.IsSupported,
        Avx512F = X86.Avx512F.IsSupported, Avx512CD = X86.Avx512CD.IsSupported, Avx512BW = X86.Avx512BW.IsSupported,
        Avx512VL = X86.Avx512F.VL.IsSupported, Avx512DQ = X86.Avx512DQ.IsSupported,
        Avx512Vbmi = X86.Avx512Vbmi.IsSupported, Avx512Bf16 = HasAvx512Bf16(), Avx10v1 = X86.Avx10v1.IsSupported,
        Vector256Accelerated = Vector256.IsHardwareAccelerated, Vector512Accelerated = Vector512.IsHardwareAccelerated,
        L1DataBytes = CacheSize(1, "Data"), L2Bytes = CacheSize(2, "Unified"), L3Bytes = CacheSize(3, "Unified"),
    };

    private static long CacheSize(int level, string type) =>
        CpuCacheFiles.Size(level, type) is > 0 and long fromSys ? fromSys : CpuidCaches.Size(level, type);

    // CPUID.(EAX=7, ECX=1):EAX[5] = AVX512_BF16; only meaningful when AVX-512 itself is usable.
    private static bool HasAvx512Bf16()
    {
        if (!X86Base.IsSupported || !X86.Avx512F.IsSupported || X86Base.CpuId(0, 0).Eax < 7) return false;
        return (X86Base.CpuId(7, 1).Eax & (1 << 5)) != 0;
    }

    /// <summary>The instruction sets present, in the spelling of <c>/proc/cpuinfo</c>'s flags.</summary>
    public IReadOnlyList<string> FlagNames()
    {
        var flags = new (string Name, bool On)[]
        {
            ("avx2", Avx2), ("fma", Fma), ("avx512f", Avx512F), ("avx512cd", Avx512CD), ("avx512bw", Avx512BW),
            ("avx512vl", Avx512VL), ("avx512dq", Avx512DQ), ("avx512vbmi", Avx512Vbmi), ("avx512_bf16", Avx512Bf16),
            ("avx10.1", Avx10v1),
        };
        return flags.Where(f => f.On).Select(f => f.Name).ToArray();
    }

    /// <summary>One line, e.g. "AMD EPYC 9B45; avx2 fma avx512f ...; vectors 512-bit; L1d 48 KiB, L2 1024 KiB, L3 32768 KiB".</summary>
    public string Describe()
    {
        string flags = FlagNames() is { Count: > 0 } f ? string.Join(' ', f) : "no AVX2/AVX-512";
        string name = ModelName.Length > 0 ? ModelName : "unknown CPU";
        return $"{name}; {flags}; vectors {VectorBits}-bit; " +
               $"L1d {Kib(L1DataBytes)}, L2 {Kib(L2Bytes)}, L3 {Kib(L3Bytes)}";
    }

    private static string Kib(long bytes) => bytes > 0 ? $"{bytes / 1024} KiB" : "?";
}

/// <summary>Cache sizes from CPUID's deterministic cache parameters (leaf 4 on Intel, 0x8000001D on AMD).</summary>
/// <remarks>Each subleaf describes one cache: EAX[4:0] type (1 data, 2 instruction, 3 unified), EAX[7:5] level;
/// size = ways · partitions · line size · sets = (EBX[31:22]+1)·(EBX[21:12]+1)·(EBX[11:0]+1)·(ECX+1).</remarks>
internal static class CpuidCaches
{
    public static long Size(int level, string type)
    {
        if (!X86Base.IsSupported) return 0;
        int wantType = type switch { "Data" => 1, "Instruction" => 2, _ => 3 };
        foreach (int leaf in new[] { 4, unchecked((int)0x8000001D) })
        {
            uint maxLeaf = (uint)X86Base.CpuId(leaf < 0 ? unchecked((int)0x80000000) : 0, 0).Eax;
            if ((uint)leaf > maxLeaf) continue;
            for (int sub = 0; sub < 16; sub++)
            {
                var (eax, ebx, ecx, _) = X86Base.CpuId(leaf, sub);
                int kind = eax & 0x1F;
                if (kind == 0) break;
                if (kind != wantType || ((eax >> 5) & 0x7) != level) continue;
                long ways = ((ebx >> 22) & 0x3FF) + 1, partitions = ((ebx >> 12) & 0x3FF) + 1, line = (ebx & 0xFFF) + 1;
                return ways * partitions * line * ((long)(uint)ecx + 1);
            }
        }
        return 0;
    }
}

/// <summary>Reads <c>/proc/cpuinfo</c> (Linux).</summary>
internal static class CpuInfoFile
{
    public const string Path = "/proc/cpuinfo";

    /// <summary>The first "model name" line's value, or "".</summary>
    public static string ModelName() => FirstValue("model name") ?? "";

    /// <summary>The first "flags" line's words, or null when the file or line is missing.</summary>
    public static IReadOnlySet<string>? Flags() =>
        FirstValue("flags") is { } v ? v.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet() : null;

    private static string? FirstValue(string key)
    {
        try
        {
            if (!File.Exists(Path)) return null;
            foreach (string line in File.ReadLines(Path))
            {
                int colon = line.IndexOf(':');
                if (colon > 0 && line[..colon].Trim() == key) return line[(colon + 1)..].Trim();
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}

/// <summary>Reads cache sizes from <c>/sys/devices/system/cpu/cpu0/cache/index*</c> (Linux).</summary>
internal static class CpuCacheFiles
{
    private const string Root = "/sys/devices/system/cpu/cpu0/cache";

    /// <summary>The size in bytes of the cache of this level and type ("Data", "Instruction", "Unified"); 0 if unknown.</summary>
    public static long Size(int level, string type)
    {
        try
        {
            if (!Directory.Exists(Root)) return 0;
            foreach (string dir in Directory.EnumerateDirectories(Root, "index*"))
            {
                if (Read(dir, "level") == level.ToString() && Read(dir, "type") == type)
                    return ParseSize(Read(dir, "size"));
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    /// <summary>"48K" → 49152, "32M" → 33554432, "512" → 512; 0 when unparsable.</summary>
    public static long ParseSize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return 0;
        text = text.Trim();
        long unit = char.ToUpperInvariant(text[^1]) switch { 'K' => 1024, 'M' => 1024 * 1024, 'G' => 1024L * 1024 * 1024, _ => 1 };
        string digits = unit == 1 ? text : text[..^1];
        return long.TryParse(digits, out long n) && n >= 0 ? n * unit : 0;
    }

    private static string? Read(string dir, string file)
    {
        string path = System.IO.Path.Combine(dir, file);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }
}
