using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/ProbeBenchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(AsyncProf.Benchmarks.ProbeEventBenchmarks).Assembly).Run(args);
