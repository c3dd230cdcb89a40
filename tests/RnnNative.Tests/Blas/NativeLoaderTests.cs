using RnnNative.Blas;
using RnnNative.Blas.Native;

namespace RnnNative.Tests.Blas;

/// <summary>The loader's search order and its failure report, on throwaway folders.</summary>
public sealed class NativeLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rnnnative-loader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static NativeLibrarySpec WithoutSystem(NativeLibrarySpec spec) => spec with { SystemName = null };

    [Fact]
    public void Missing_library_lists_every_path_tried_and_the_fix()
    {
        string other = Path.Combine(_dir, "nothing-here");
        var e = Assert.Throws<BlasLibraryNotFoundException>(() =>
            NativeLoader.Load(WithoutSystem(OpenBlasNative.Spec), [_dir, other]));
        Assert.IsAssignableFrom<DllNotFoundException>(e);
        Assert.Equal(2, e.Attempts.Count);
        Assert.Contains(Path.Combine(_dir, "libopenblas.so.0") + ": no such file", e.Message);
        Assert.Contains(Path.Combine(other, "libopenblas.so.0") + ": no such file", e.Message);
        Assert.Contains("dotnet tool restore && dotnet pwsh build.ps1 deps", e.Message);
        Assert.Contains(BlasEnvironment.NativeDirVariable, e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_library_reports_the_loader_error()
    {
        File.WriteAllText(Path.Combine(_dir, "libopenblas.so.0"), string.Concat(Enumerable.Repeat("not an ELF file. ", 300)));
        var e = Assert.Throws<BlasLibraryNotFoundException>(() => NativeLoader.Load(WithoutSystem(OpenBlasNative.Spec), [_dir]));
        Assert.Contains(Path.Combine(_dir, "libopenblas.so.0"), e.Message);
        Assert.True(e.Message.Contains("invalid ELF header"), e.Message);
    }

    [Fact]
    public void Mkl_folder_without_its_companion_libraries_is_refused_before_MKL_runs()
    {
        // MKL would exit(2) on its first call if libmkl_core.so & co. were missing: the loader must not get that far.
        File.WriteAllText(Path.Combine(_dir, "libmkl_rt.so"), "placeholder");
        File.WriteAllText(Path.Combine(_dir, "libmkl_core.so"), "placeholder");
        var e = Assert.Throws<BlasLibraryNotFoundException>(() => NativeLoader.Load(WithoutSystem(MklNative.SpecFor(MklInstructions.Avx512)), [_dir]));
        Assert.Contains("libmkl_intel_lp64.so", e.Message);
        Assert.Contains("libmkl_gnu_thread.so", e.Message);
        Assert.Contains(MklNative.CpuShimFile, e.Message);
        Assert.Contains("libmkl_avx512.so", e.Message);
        Assert.DoesNotContain("libmkl_core.so,", e.Message);
    }

    [Fact]
    public void System_fallback_failure_is_listed_too()
    {
        var spec = OpenBlasNative.Spec with { SystemName = "libdefinitely-not-installed.so.7" };
        var e = Assert.Throws<BlasLibraryNotFoundException>(() => NativeLoader.Load(spec, [_dir]));
        Assert.Contains("libdefinitely-not-installed.so.7 (system loader path)", e.Message);
    }

    [Fact]
    public void Explicit_folder_comes_first_then_packaged_then_the_repository()
    {
        var dirs = NativeSearchPath.Directories(_dir);
        Assert.Equal(_dir, dirs[0]);
        Assert.Equal(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, NativeSearchPath.RuntimeSubfolder)), dirs[1]);
        string? root = NativeSearchPath.FindRepositoryRoot(AppContext.BaseDirectory);
        Assert.NotNull(root); // the tests run from the repository's bin folder
        Assert.Equal(Path.Combine(root, "native", "lib"), dirs[^1]);
    }

    [Fact]
    public void Repository_root_is_found_by_walking_up_to_the_solution()
    {
        string nested = Directory.CreateDirectory(Path.Combine(_dir, "a", "b", "c")).FullName;
        Assert.Null(NativeSearchPath.FindRepositoryRoot(nested));
        File.WriteAllText(Path.Combine(_dir, "a", "RnnNative.sln"), "");
        Assert.Equal(Path.Combine(_dir, "a"), NativeSearchPath.FindRepositoryRoot(nested));
    }
}
