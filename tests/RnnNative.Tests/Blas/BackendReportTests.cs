using RnnNative.Blas;

namespace RnnNative.Tests.Blas;

/// <summary>Each backend reports which file it loaded, its version, its thread count and its kernel path.</summary>
[Collection(BlasCollection.Name)]
public sealed class BackendReportTests
{
    [Fact]
    public void Managed_reports_itself_and_is_always_available()
    {
        Assert.True(BlasBackend.IsAvailable(BlasKind.Managed, out string reason), reason);
        using var blas = BlasBackend.Create(BlasKind.Managed, threads: 2);
        Assert.Equal("(managed)", blas.LibraryPath);
        Assert.Equal(2, blas.Threads);
        Assert.Contains(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "Vector512" : "Vector256", blas.Kernel);
    }

    [BackendFact(BlasKind.OpenBlas)]
    public void OpenBlas_reports_file_version_threads_and_core()
    {
        using var blas = BlasBackend.Create(BlasKind.OpenBlas, threads: 2);
        AssertNativeReport(blas, "libopenblas.so.0", "OpenBLAS 0.3");
        Assert.Contains("OpenBLAS core", blas.Kernel);
    }

    [BackendFact(BlasKind.Mkl)]
    public void Mkl_reports_file_version_threads_and_kernel_library()
    {
        using var blas = BlasBackend.Create(BlasKind.Mkl, threads: 2);
        AssertNativeReport(blas, "libmkl_rt.so", "Math Kernel Library Version 2020");
        Assert.Matches(@"libmkl_(def|avx2|avx512)\.so, dispatch branch", blas.Kernel);
        Assert.Contains("GNU OpenMP", blas.Kernel);
    }

    private static void AssertNativeReport(BlasBackend blas, string fileName, string versionPrefix)
    {
        Assert.Equal(fileName, Path.GetFileName(blas.LibraryPath));
        Assert.True(File.Exists(blas.LibraryPath), blas.LibraryPath);
        Assert.Contains(versionPrefix, blas.Version);
        float[] one = [1f], c = [0f];
        blas.Sgemm(false, false, 1, 1, 1, 1f, one, 1, one, 1, 0f, c, 1); // applies Threads
        Assert.Equal(2, blas.LibraryThreads);
        blas.Threads = 1;
        blas.Sgemm(false, false, 1, 1, 1, 1f, one, 1, one, 1, 0f, c, 1);
        Assert.Equal(1, blas.LibraryThreads);
        Assert.Contains(blas.LibraryPath, blas.Describe());
    }

    [Fact]
    public void Managed_gemm_allocates_nothing_in_steady_state()
    {
        using var blas = BlasBackend.Create(BlasKind.Managed);
        var problem = GemmProblem.Random(true, false, 70, 90, 300, seed: 3);
        float[] c = (float[])problem.C0.Clone();
        void Run() => blas.Sgemm(problem.TransA, problem.TransB, problem.M, problem.N, problem.K, problem.Alpha,
            problem.A, problem.Lda, problem.B, problem.Ldb, problem.Beta, c, problem.Ldc);
        Run(); // grows this thread's packing buffers
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
