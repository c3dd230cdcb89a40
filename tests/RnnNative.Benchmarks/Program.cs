using BenchmarkDotNet.Running;
using RnnNative.Benchmarks;

// BenchmarkDotNet:  dotnet run -c Release --project tests/RnnNative.Benchmarks -- --filter 'RnnNative.Benchmarks.*' --job short
//                   (or: dotnet pwsh build.ps1 bench)
// best-of loop:     dotnet run -c Release --project tests/RnnNative.Benchmarks -- best-of managed|openblas|mkl|mklgeneric|mklavx2|mklavx512 [rounds]
if (args.Length > 0 && args[0] == "best-of") return BestOfGemm.Run(args);
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
return 0;
