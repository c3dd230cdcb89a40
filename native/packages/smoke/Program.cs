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
    // with RNNNATIVE_MKL_AVX2=1 on an AVX2 CPU, MKL must have taken its AVX2 kernels
    bool shimHonoured = kind != BlasKind.Mkl || Environment.GetEnvironmentVariable("RNNNATIVE_MKL_AVX2") != "1"
        || !System.Runtime.Intrinsics.X86.Avx2.IsSupported || blas.Kernel.Contains("libmkl_avx2.so");
    bool ok = c.SequenceEqual(expected) && packaged && shimHonoured;
    failures += ok ? 0 : 1;
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {blas.Describe()} -> [{string.Join(", ", c)}]");
}
return failures;
