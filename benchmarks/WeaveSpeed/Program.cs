using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using AsyncProf.Weaving;
using Mono.Cecil;
using Mono.Cecil.Cil;

// Weaving speed against a bare Mono.Cecil read and write of the same file.
//   dotnet run -c Release --project benchmarks/WeaveSpeed [-- [--rounds N] [--all] [dll...]]
// Without dlls: Newtonsoft.Json 13.0.4 (lib/net6.0) and Npgsql 10.0.3 (lib/net10.0) from ~/.nuget/packages, as
// shipped (restore tests/Fixtures/LibraryWorkload if they are missing). Each round reads the file from disk and writes
// the result to disk both ways; the bare path uses the reader and writer parameters the weaver uses (immediate,
// in memory, symbols when there are any). Prints the median of the rounds (5 by default) after one warm-up each, in
// wall time and in process CPU time (steadier than wall time on a machine shared with other work).
static class Program
{
    static int Main(string[] args)
    {
        int rounds = 5;
        var weaveAll = false;
        var inputs = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--rounds") rounds = int.Parse(args[++i]);
            else if (args[i] == "--all") weaveAll = true;
            else inputs.Add(Path.GetFullPath(args[i]));
        }
        if (inputs.Count == 0) inputs.AddRange(DefaultInputs());

        var scratch = Path.Combine(Path.GetTempPath(), "weavespeed-" + Environment.ProcessId);
        Directory.CreateDirectory(scratch);
        try
        {
            Console.WriteLine($"{"assembly",-22} {"methods",8} {"bare r/w ms",12} {"weave ms",10} {"ratio",7} {"bare cpu ms",12} {"weave cpu ms",13} {"cpu ratio",10}");
            foreach (var input in inputs)
                Measure(input, rounds, weaveAll, scratch);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        return 0;
    }

    static IEnumerable<string> DefaultInputs()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ??
                       Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var relative in new[] { "newtonsoft.json/13.0.4/lib/net6.0/Newtonsoft.Json.dll", "npgsql/10.0.3/lib/net10.0/Npgsql.dll" })
        {
            var path = Path.Combine(packages, relative);
            if (!File.Exists(path))
                throw new FileNotFoundException(path + " is missing: run 'dotnet restore tests/Fixtures/LibraryWorkload'");
            yield return path;
        }
    }

    static void Measure(string input, int rounds, bool weaveAll, string scratch)
    {
        // The input's folder in the NuGet cache holds it alone: its dependencies are beside this harness.
        var references = AppContext.BaseDirectory;
        var settings = new WeaverSettings { WeaveAll = weaveAll };
        settings.ReferenceSearchPaths.Add(references);
        var bareOut = Path.Combine(scratch, "bare-" + Path.GetFileName(input));
        var wovenOut = Path.Combine(scratch, "woven-" + Path.GetFileName(input));

        var bare = new List<double>();
        var weave = new List<double>();
        var bareCpu = new List<double>();
        var weaveCpu = new List<double>();
        WeaveResult result = null!;
        for (int round = 0; round <= rounds; round++)
        {
            // Alternate the order so neither always runs on a warmer cache or after the other's garbage.
            var watch = new Stopwatch();
            var process = Process.GetCurrentProcess();
            void Time(Action action, List<double> wall, List<double> cpu)
            {
                Collect();
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                watch.Restart();
                action();
                watch.Stop();
                process.Refresh();
                if (round == 0) return; // warm-up
                wall.Add(watch.Elapsed.TotalMilliseconds);
                cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
            }
            void TimeBare() => Time(() => BareReadWrite(input, bareOut, references), bare, bareCpu);
            void TimeWeave() => Time(() => result = AssemblyWeaver.WeaveFile(input, wovenOut, settings, NullWeaverLog.Instance), weave, weaveCpu);
            if (round % 2 == 0) { TimeBare(); TimeWeave(); }
            else { TimeWeave(); TimeBare(); }
        }

        double b = Median(bare), w = Median(weave), bc = Median(bareCpu), wc = Median(weaveCpu);
        Console.WriteLine($"{Path.GetFileName(input),-22} {result.Total,8} {b,12:F0} {w,10:F0} {w / b,6:F2}x {bc,12:F0} {wc,13:F0} {wc / bc,9:F2}x");
        Console.WriteLine($"  {result}");
        Console.WriteLine($"  bare rounds: {string.Join(" ", bare.Select(x => x.ToString("F0")))}; weave rounds: {string.Join(" ", weave.Select(x => x.ToString("F0")))}");
    }

    /// <summary>What any Cecil-based tool pays at least: read the file fully, write it back, nothing changed.</summary>
    static void BareReadWrite(string input, string output, string references)
    {
        var image = File.ReadAllBytes(input);
        var pdbPath = Path.ChangeExtension(input, ".pdb");
        var pdb = File.Exists(pdbPath) ? File.ReadAllBytes(pdbPath) : null;
        using var resolver = new DefaultAssemblyResolver();
        foreach (var directory in resolver.GetSearchDirectories()) resolver.RemoveSearchDirectory(directory);
        resolver.AddSearchDirectory(Path.GetDirectoryName(input)!);
        resolver.AddSearchDirectory(references);
        resolver.AddSearchDirectory(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
        var parameters = new ReaderParameters(ReadingMode.Immediate)
        {
            AssemblyResolver = resolver,
            InMemory = true,
            ReadSymbols = true,
            SymbolReaderProvider = new DefaultSymbolReaderProvider(throwIfNoSymbol: false),
            ThrowIfSymbolsAreNotMatching = false,
        };
        if (pdb != null) parameters.SymbolStream = new MemoryStream(pdb, writable: false);
        using var module = ModuleDefinition.ReadModule(new MemoryStream(image, writable: false), parameters);

        var writer = new WriterParameters();
        MemoryStream? pdbOut = null;
        var provider = module.HasSymbols ? module.SymbolReader?.GetWriterProvider() : null;
        if (provider is EmbeddedPortablePdbWriterProvider) { writer.WriteSymbols = true; writer.SymbolWriterProvider = provider; }
        else if (provider is PortablePdbWriterProvider) { pdbOut = new MemoryStream(); writer.WriteSymbols = true; writer.SymbolWriterProvider = provider; writer.SymbolStream = pdbOut; }
        using (var stream = new FileStream(output, FileMode.Create, FileAccess.ReadWrite))
            module.Write(stream, writer);
        if (pdbOut != null) File.WriteAllBytes(Path.ChangeExtension(output, ".pdb"), pdbOut.ToArray());
    }

    static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
