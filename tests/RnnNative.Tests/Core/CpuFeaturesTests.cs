using System.Runtime.Intrinsics;

namespace RnnNative.Tests.Core;

/// <summary>The detected CPU features agree with the kernel's view (/proc/cpuinfo) and with .NET's.</summary>
public class CpuFeaturesTests
{
    private static readonly CpuFeatures Cpu = CpuFeatures.Current;

    [Fact]
    public void FlagsAgreeWithProcCpuinfo()
    {
        if (CpuInfoFile.Flags() is not { } flags) return; // not Linux: nothing to compare with
        // .NET can be told to ignore instruction sets (DOTNET_EnableAVX512F=0 ...): then it may report fewer.
        bool restricted = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Any(k => k.StartsWith("DOTNET_Enable", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_PreferredVectorBitWidth", StringComparison.OrdinalIgnoreCase));
        foreach (var (name, detected) in new[]
                 {
                     ("avx2", Cpu.Avx2), ("fma", Cpu.Fma), ("avx512f", Cpu.Avx512F), ("avx512cd", Cpu.Avx512CD),
                     ("avx512bw", Cpu.Avx512BW), ("avx512vl", Cpu.Avx512VL), ("avx512dq", Cpu.Avx512DQ),
                     ("avx512vbmi", Cpu.Avx512Vbmi), ("avx512_bf16", Cpu.Avx512Bf16),
                 })
        {
            if (detected) Assert.True(flags.Contains(name), $"{name} detected but not in /proc/cpuinfo");
            else if (!restricted) Assert.False(flags.Contains(name), $"{name} in /proc/cpuinfo but not detected");
        }
        Assert.Equal(Cpu.FlagNames().Where(f => f != "avx10.1").Order(), Cpu.FlagNames().Where(flags.Contains).Where(f => f != "avx10.1").Order());
    }

    [Fact]
    public void ModelNameIsProcCpuinfosFirstModelName()
    {
        if (!File.Exists("/proc/cpuinfo")) return;
        string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"));
        Assert.Equal(line?.Split(':', 2)[1].Trim() ?? "", Cpu.ModelName);
    }

    [Fact]
    public void VectorBitsIsTheWidestAcceleratedWidth()
    {
        Assert.Equal(Vector512.IsHardwareAccelerated, Cpu.Vector512Accelerated);
        Assert.Equal(Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128, Cpu.VectorBits);
        Assert.Contains($"vectors {Cpu.VectorBits}-bit", Cpu.Describe());
    }

    [Fact]
    public void DetectionRunsOnce() => Assert.Same(CpuFeatures.Current, CpuFeatures.Current);

    [Theory]
    [InlineData("48K", 48 * 1024)]
    [InlineData("1024K", 1024 * 1024)]
    [InlineData("32M", 32L * 1024 * 1024)]
    [InlineData("512", 512)]
    [InlineData("", 0)]
    [InlineData("lots", 0)]
    public void CacheSizeTextParses(string text, long bytes) => Assert.Equal(bytes, CpuCacheFiles.ParseSize(text));

    [Fact]
    public void CacheSizesAreZeroOrPlausible()
    {
        foreach (long size in new[] { Cpu.L1DataBytes, Cpu.L2Bytes, Cpu.L3Bytes })
            Assert.True(size == 0 || size is >= 4096 and <= 4L << 30, $"cache size {size}");
        if (Cpu.L1DataBytes > 0 && Cpu.L2Bytes > 0) Assert.True(Cpu.L2Bytes > Cpu.L1DataBytes);
    }
}

/// <summary>The FMA peak loop: a positive rate, FLOPs counted for the width it ran, widths it cannot run refused.</summary>
public class FmaPeakTests
{
    [Fact]
    public void MeasuresAPositiveRateAtTheWidestWidth()
    {
        var r = FmaPeak.Measure(threads: 1, rounds: 2, iterations: 100_000);
        Assert.Equal(CpuFeatures.Current.VectorBits, r.VectorBits);
        Assert.Equal(1, r.Threads);
        Assert.True(r.Gflops > 0.1 && r.Gflops < 10_000, $"{r.Gflops} GFLOP/s");
    }

    [Fact]
    public void RefusesWidthsThatAreNotAccelerated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FmaPeak.Measure(1, vectorBits: 1024, rounds: 1, iterations: 10));
        if (!Vector512.IsHardwareAccelerated)
            Assert.Throws<ArgumentOutOfRangeException>(() => FmaPeak.Measure(1, vectorBits: 512, rounds: 1, iterations: 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => FmaPeak.Measure(0));
    }
}
