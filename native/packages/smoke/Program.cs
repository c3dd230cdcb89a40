// Package smoke test: every backend loads from runtimes/linux-x64/native/ and computes a 2x3 · 3x2 product.
using RnnNative.Blas;

float[] a = [1, 2, 3, 4, 5, 6];        // (2 × 3)
float[] b = [7, 8, 9, 10, 11, 12];     // (3 × 2)
float[] expected = [58, 64, 139, 154]; // a · b, by hand
int failures = 0;
foreach (var kind in Enum.GetValues<BlasKind>())
{
    using var blas = BlasBackend.Create(kind, threads: 2);
    var c = new float[4];
    blas.Sgemm(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2);
    bool packaged = kind == BlasKind.Managed || blas.LibraryPath.Contains("runtimes/linux-x64/native/");
    // MKL must have taken the kernels of the cap in force: RNNNATIVE_MKL_INSTRUCTIONS when set, else the CPU's widest
    bool shimHonoured = kind != BlasKind.Mkl || blas.Kernel.Contains(ExpectedMklKernel());
    bool ok = c.SequenceEqual(expected) && packaged && shimHonoured;
    failures += ok ? 0 : 1;
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {blas.Describe()} -> [{string.Join(", ", c)}]");
}
return failures;

static string ExpectedMklKernel()
{
    var cpu = RnnNative.CpuFeatures.Current;
    string widest = cpu.HasAvx512SkylakeSet ? "avx512" : cpu.Avx2 && cpu.Fma ? "avx2" : "def";
    string cap = Environment.GetEnvironmentVariable("RNNNATIVE_MKL_INSTRUCTIONS")?.ToLowerInvariant() ?? "auto";
    string level = cap switch { "generic" => "def", "avx2" when widest != "def" => "avx2", _ => widest };
    bool intel = System.Runtime.Intrinsics.X86.X86Base.CpuId(0, 0) is var (_, b, _, _) && b == 0x756E6547; // "Genu"
    return level == "def" && intel ? "libmkl_" : $"libmkl_{level}.so";
}
