using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnNative.Blas;
using Spectre.Console;
using Arm = System.Runtime.Intrinsics.Arm;
using X86 = System.Runtime.Intrinsics.X86;

namespace RnnNative.Cli;

/// <summary><c>rnn info</c>: the machine and the BLAS backends as the engine sees them.</summary>
internal static class InfoCommand
{
    private const string Help = """
        usage: rnn info [--backend NAME] [--threads N]
          shows the default (or chosen) backend, every backend's availability, native library path and version,
          threads, MKL's instruction cap and kernel library, the CPU (name, vector instruction sets, caches),
          the fastest backend by rule and the .NET version
        """;

    public static int Run(string[] args, IAnsiConsole console)
    {
        var a = CommandLine.Parse("info", args, ["--backend", "--threads"], ["--help"]);
        if (a.Has("--help"))
        {
            console.WriteLine(Help);
            return 0;
        }
        var (kind, threads) = Backends.Parse(a);
        console.WriteLine($"rnn {RnnCli.Version}");
        console.WriteLine($".NET: {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})");
        console.WriteLine($"OS: {RuntimeInformation.OSDescription}; {Environment.ProcessorCount} logical CPUs");
        console.WriteLine($"CPU: {CpuFeatures.Current.Describe()}");
        console.WriteLine($"CPU features (.NET): {string.Join(" ", NetCpuFeatures())}");
        console.WriteLine($"vectors: Vector<float> {Vector<float>.Count} lanes; Vector256 {Accel(Vector256.IsHardwareAccelerated)}, Vector512 {Accel(Vector512.IsHardwareAccelerated)}");
        console.WriteLine($"fastest backend by rule: {Backends.Name(FastestBackend.OnThisMachine())}");
        using (var session = Backends.OpenSession(new Graph(), kind, threads))
        {
            var blas = session.Blas;
            console.WriteLine($"backend in use: {Backends.Name(blas.Kind)}, {blas.Threads} thread(s), {blas.Version}, {blas.LibraryPath}");
        }
        console.Write(BackendTable(threads ?? 1));
        WriteMklKernel(console);
        return 0;
    }

    private static string Accel(bool yes) => yes ? "accelerated" : "not accelerated";

    private static Table BackendTable(int threads)
    {
        var table = new Table().AddColumns("backend", "status", "version", "library", "threads");
        foreach (var (name, kind) in Backends.Choices)
        {
            try
            {
                using var blas = BlasBackend.Create(kind, threads);
                table.AddRow(name, "[green]available[/]", Markup.Escape(blas.Version), Markup.Escape(blas.LibraryPath), blas.Threads.ToString());
            }
            catch (Exception e) when (e is NotSupportedException or DllNotFoundException or EntryPointNotFoundException)
            {
                table.AddRow(name, "[red]unavailable[/]", Markup.Escape(Backends.OneLine(e.Message)), "", "");
            }
        }
        return table;
    }

    private static void WriteMklKernel(IAnsiConsole console)
    {
        if (!BlasBackend.IsAvailable(BlasKind.Mkl, out _)) return;
        using var mkl = BlasBackend.Create(BlasKind.Mkl);
        console.WriteLine($"MKL: {mkl.Kernel} (cap: {BlasEnvironment.MklInstructionsVariable}=auto|avx512|avx2|generic)");
    }

    private static IEnumerable<string> NetCpuFeatures()
    {
        var flags = new (string Name, bool On)[]
        {
            ("SSE4.2", X86.Sse42.IsSupported), ("AVX", X86.Avx.IsSupported), ("AVX2", X86.Avx2.IsSupported),
            ("FMA", X86.Fma.IsSupported), ("BMI2", X86.Bmi2.IsSupported), ("AVX-VNNI", X86.AvxVnni.IsSupported),
            ("AVX-512F", X86.Avx512F.IsSupported), ("AVX-512BW", X86.Avx512BW.IsSupported),
            ("AVX-512VL", X86.Avx512F.VL.IsSupported), ("AVX-512DQ", X86.Avx512DQ.IsSupported),
            ("AVX512_BF16", CpuFeatures.Current.Avx512Bf16), ("AVX10.1", X86.Avx10v1.IsSupported),
            ("AdvSIMD", Arm.AdvSimd.IsSupported),
        };
        var on = flags.Where(f => f.On).Select(f => f.Name).ToList();
        return on.Count > 0 ? on : ["(none of SSE4.2/AVX/AVX2/FMA/AVX-512/AdvSIMD)"];
    }
}
