using RnnNative.Blas;
using RnnNative.Blas.Native;

namespace RnnNative.Tests.Blas;

/// <summary>How MKL's instruction cap is chosen, and that the loaded MKL runs the kernels of that cap.</summary>
[Collection(BlasCollection.Name)]
public class MklInstructionTests
{
    private static CpuFeatures Cpu(bool avx2 = false, bool fma = false, bool avx512 = false) => CpuFeatures.Current with
    {
        Avx2 = avx2, Fma = fma, Avx512F = avx512, Avx512CD = avx512, Avx512BW = avx512, Avx512DQ = avx512, Avx512VL = avx512,
    };

    [Fact]
    public void WidestIsAvx512OnlyWithTheWholeSkylakeSetAndAvx2OnlyWithFma()
    {
        Assert.Equal(MklInstructions.Avx512, MklInstructionPolicy.Widest(Cpu(true, true, true)));
        Assert.Equal(MklInstructions.Avx2, MklInstructionPolicy.Widest(Cpu(true, true) with { Avx512F = true }));
        Assert.Equal(MklInstructions.Avx2, MklInstructionPolicy.Widest(Cpu(true, true)));
        Assert.Equal(MklInstructions.Generic, MklInstructionPolicy.Widest(Cpu(avx2: true)));
        Assert.Equal(MklInstructions.Generic, MklInstructionPolicy.Widest(Cpu()));
    }

    [Fact]
    public void ARequestIsACapNeverAboveTheCpu()
    {
        Assert.Equal(MklInstructions.Avx512, MklInstructionPolicy.Choose(null, MklInstructions.Avx512));
        Assert.Equal(MklInstructions.Avx2, MklInstructionPolicy.Choose(MklInstructions.Avx2, MklInstructions.Avx512));
        Assert.Equal(MklInstructions.Generic, MklInstructionPolicy.Choose(MklInstructions.Generic, MklInstructions.Avx2));
        Assert.Equal(MklInstructions.Avx2, MklInstructionPolicy.Choose(MklInstructions.Avx512, MklInstructions.Avx2));
        Assert.Equal(MklInstructions.Generic, MklInstructionPolicy.Choose(MklInstructions.Avx2, MklInstructions.Generic));
    }

    [Theory]
    [InlineData("auto", null)]
    [InlineData("AVX512", MklInstructions.Avx512)]
    [InlineData(" avx2 ", MklInstructions.Avx2)]
    [InlineData("Generic", MklInstructions.Generic)]
    public void ParsesTheVariable(string text, MklInstructions? expected) => Assert.Equal(expected, MklInstructionPolicy.Parse(text));

    [Fact]
    public void RejectsAnUnknownCapNamingTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => MklInstructionPolicy.Parse("sse9"));
        Assert.Contains("RNNNATIVE_MKL_INSTRUCTIONS", e.Message);
        Assert.Contains("avx512", e.Message);
    }

    [Fact]
    public void FallsBackToTheWidestLevelWhoseKernelsAreInTheFolder()
    {
        string dir = Directory.CreateTempSubdirectory("rnnnative-mkl-").FullName;
        try
        {
            Assert.Equal(MklInstructions.Generic, MklInstructionPolicy.Available(MklInstructions.Avx512, dir));
            foreach (var f in MklInstructionPolicy.KernelFiles(MklInstructions.Avx2)) File.WriteAllText(Path.Combine(dir, f), "");
            Assert.Equal(MklInstructions.Avx2, MklInstructionPolicy.Available(MklInstructions.Avx512, dir));
            foreach (var f in MklInstructionPolicy.KernelFiles(MklInstructions.Avx512)) File.WriteAllText(Path.Combine(dir, f), "");
            Assert.Equal(MklInstructions.Avx512, MklInstructionPolicy.Available(MklInstructions.Avx512, dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [BackendFact(BlasKind.Mkl)]
    public void LoadedMklRunsTheKernelLibraryOfItsCapWithCnr()
    {
        using var blas = BlasBackend.Create(BlasKind.Mkl);
        string expected = MklNative.Instructions switch
        {
            MklInstructions.Avx512 => "libmkl_avx512.so", MklInstructions.Avx2 => "libmkl_avx2.so", _ => "libmkl_",
        };
        Assert.StartsWith(expected, blas.Kernel);
        Assert.Contains($"instructions {MklNative.Instructions.ToString().ToUpperInvariant()}", blas.Kernel);
        Assert.DoesNotContain("CNR branch OFF", blas.Kernel);
        Assert.Equal(MklNative.Instructions >= MklInstructions.Avx2, blas.Kernel.Contains("CPU shim loaded"));
        // With no cap requested, the process runs the CPU's widest level (the repository's native/lib has them all).
        if (MklInstructionPolicy.Requested(null) == null && File.Exists(Path.Combine(Path.GetDirectoryName(blas.LibraryPath)!, "libmkl_avx512.so")))
            Assert.Equal(MklInstructionPolicy.Widest(CpuFeatures.Current), MklNative.Instructions);
    }

    [Fact]
    public void FastestBackendByRuleIsMklWhereItRunsVectorKernelsThenOpenBlas()
    {
        Assert.Equal(BlasKind.Mkl, FastestBackend.ByRule(Cpu(true, true, true), _ => true));
        Assert.Equal(BlasKind.Mkl, FastestBackend.ByRule(Cpu(true, true), _ => true));
        Assert.Equal(BlasKind.OpenBlas, FastestBackend.ByRule(Cpu(), _ => true));
        Assert.Equal(BlasKind.OpenBlas, FastestBackend.ByRule(Cpu(true, true), k => k != BlasKind.Mkl));
        Assert.Equal(BlasKind.Managed, FastestBackend.ByRule(Cpu(true, true), k => k == BlasKind.Managed));
    }
}
