using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/RnnNative.Benchmarks -- --filter '*' --job short
// (or: dotnet pwsh build.ps1 bench)
BenchmarkSwitcher.FromAssembly(typeof(RnnNative.Benchmarks.GemmBenchmarks).Assembly).Run(args);
