using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using AsyncProf.Weaver;
using Mono.Cecil;
using Mono.Cecil.Cil;

// Weaving speed against a bare Mono.Cecil read and write of the same file.
//   dotnet run -c Release --project benchmarks/WeaveSpeed [-- [--rounds N] [--all] [--cold] [dll...]]
// --cold starts one process per weave (and per bare read and write), as the command line does.
// Without dlls: Newtonsoft.Json 13.0.4 (lib/net6.0) and Npgsql 10.0.3 (lib/net10.0) from ~/.nuget/packages, as
// shipped (restore tests/Fixtures/LibraryWorkload if they are missing). Each round reads the file from disk and writes
// the result to disk both ways; the bare path uses the reader and writer parameters the weaver uses (immediate,
// in memory, symbols when there are any). Prints the median of the rounds (5 by default) after one warm-up each, in
// wall time and in process CPU time (steadier than wall time on a machine shared with other work).
static class Program
{
    static int Main(string[] args)
    {
        if (args.Length == 4 && args[0] == "--once")
            return Once(args[1], args[2], args[3]);
        int rounds = 5;
        var weaveAll = false;
        var cold = false;
        var inputs = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--rounds") rounds = int.Parse(args[++i]);
            else if (args[i] == "--all") weaveAll = true;
            else if (args[i] == "--cold") cold = true;
            else inputs.Add(Path.GetFullPath(args[i]));
        }
        if (inputs.Count == 0) inputs.AddRange(DefaultInputs());

        var scratch = Path.Combine(Path.GetTempPath(), "weavespeed-" + Environment.ProcessId);
        Directory.CreateDirectory(scratch);
        try
        {
            if (cold)
            {
                Console.WriteLine($"{"one process per file",-22} {"bare r/w ms",12} {"weave ms",10} {"ratio",7} {"bare cpu ms",12} {"weave cpu ms",13} {"cpu ratio",10}");
                foreach (var input in inputs)
                    MeasureCold(input, rounds, scratch);
                return 0;
            }
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
        var decoded = new List<double>();
        var decodedCpu = new List<double>();
        var copied = new List<double>();
        var copiedCpu = new List<double>();
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
            void TimeDecoded() => Time(() => DecodedReadWrite(input, bareOut, references), decoded, decodedCpu);
            void TimeCopied() => Time(() => CopiedReadWrite(input, bareOut, references), copied, copiedCpu);
            if (round % 2 == 0) { TimeBare(); TimeDecoded(); TimeCopied(); TimeWeave(); }
            else { TimeWeave(); TimeCopied(); TimeDecoded(); TimeBare(); }
        }

        double b = Median(bare), w = Median(weave), bc = Median(bareCpu), wc = Median(weaveCpu);
        Console.WriteLine($"{Path.GetFileName(input),-22} {result.Total,8} {b,12:F0} {w,10:F0} {w / b,6:F2}x {bc,12:F0} {wc,13:F0} {wc / bc,9:F2}x");
        Console.WriteLine($"  {result}");
        Console.WriteLine($"  every body decoded, nothing changed: {Median(decoded):F0} ms wall, {Median(decodedCpu):F0} ms CPU ({Median(decodedCpu) / bc:F2}x the bare CPU; the weave is {wc / Median(decodedCpu):F2}x it)");
        Console.WriteLine($"  every body decoded and copied, nothing else: {Median(copied):F0} ms wall, {Median(copiedCpu):F0} ms CPU ({Median(copiedCpu) / bc:F2}x the bare CPU; the weave is {wc / Median(copiedCpu):F2}x it)");
        Console.WriteLine($"  bare rounds: {string.Join(" ", bare.Select(x => x.ToString("F0")))}; weave rounds: {string.Join(" ", weave.Select(x => x.ToString("F0")))}");
    }

    /// <summary>
    /// What a user of the command line sees: each round starts a fresh process (this harness, `--once`) that weaves
    /// the file or does the bare read and write, so the JIT compiling the weaver and Cecil is part of the figure, as it
    /// is for `asyncprof weave`. The harness is built with the CLI's runtime settings (TieredPGO off).
    /// </summary>
    static void MeasureCold(string input, int rounds, string scratch)
    {
        var bare = new List<double>();
        var weave = new List<double>();
        var bareCpu = new List<double>();
        var weaveCpu = new List<double>();
        void Run(string what, List<double> wall, List<double> cpu, bool record)
        {
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
            foreach (var argument in new[] { typeof(Program).Assembly.Location, "--once", what, input, Path.Combine(scratch, what + "-" + Path.GetFileName(input)) })
                start.ArgumentList.Add(argument);
            var cpuBefore = ChildrenCpuMs();
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            process.WaitForExit();
            watch.Stop();
            if (process.ExitCode != 0) throw new InvalidOperationException($"--once {what} {input} exited with {process.ExitCode}");
            if (!record) return;
            wall.Add(watch.Elapsed.TotalMilliseconds);
            cpu.Add(ChildrenCpuMs() - cpuBefore);
        }
        for (int round = 0; round <= rounds; round++)
        {
            if (round % 2 == 0) { Run("bare", bare, bareCpu, round > 0); Run("weave", weave, weaveCpu, round > 0); }
            else { Run("weave", weave, weaveCpu, true); Run("bare", bare, bareCpu, true); }
        }
        double b = Median(bare), w = Median(weave), bc = Median(bareCpu), wc = Median(weaveCpu);
        Console.WriteLine($"{Path.GetFileName(input),-22} {b,12:F0} {w,10:F0} {w / b,6:F2}x {bc,12:F0} {wc,13:F0} {wc / bc,9:F2}x");
    }

    /// <summary>User and system CPU of the children that exited so far (a process's own figure is gone once it has exited).</summary>
    static double ChildrenCpuMs()
    {
        var usage = new long[18]; // struct rusage: two timevals (seconds, microseconds), then 14 longs
        if (getrusage(-1 /* RUSAGE_CHILDREN */, usage) != 0) throw new InvalidOperationException("getrusage failed");
        return (usage[0] + usage[2]) * 1000.0 + (usage[1] + usage[3]) / 1000.0;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    static extern int getrusage(int who, long[] usage);

    /// <summary>One weave or one bare read and write, then exit (the child process of <see cref="MeasureCold"/>).</summary>
    static int Once(string what, string input, string output)
    {
        if (what == "bare") BareReadWrite(input, output, AppContext.BaseDirectory);
        else
        {
            var settings = new WeaverSettings();
            settings.ReferenceSearchPaths.Add(AppContext.BaseDirectory);
            AssemblyWeaver.WeaveFile(input, output, settings, NullWeaverLog.Instance);
        }
        return 0;
    }

    /// <summary>What any Cecil-based tool pays at least: read the file fully, write it back, nothing changed.</summary>
    static void BareReadWrite(string input, string output, string references) => ReadWrite(input, output, references, decodeBodies: false);

    /// <summary>
    /// The floor for any Cecil tool that edits bodies: the bare read and write, with every method body decoded (so
    /// it is re-encoded on write instead of copied), nothing changed.
    /// </summary>
    static void DecodedReadWrite(string input, string output, string references) => ReadWrite(input, output, references, decodeBodies: true);

    /// <summary>
    /// The floor for the idle split (every woven method keeps its body and gains a copy): the decoded read and write,
    /// with a plain copy of every method body added to its type (no probe code, no debug information).
    /// </summary>
    static void CopiedReadWrite(string input, string output, string references) => ReadWrite(input, output, references, decodeBodies: true, copyBodies: true);

    static void ReadWrite(string input, string output, string references, bool decodeBodies, bool copyBodies = false)
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
        if (decodeBodies)
            foreach (var type in module.GetTypes())
                foreach (var method in type.Methods)
                    if (method.HasBody) _ = method.Body.Instructions.Count;
        if (copyBodies)
            foreach (var type in module.GetTypes().ToList())
                foreach (var method in type.Methods.ToList())
                    if (method.HasBody && !method.IsConstructor)
                        type.Methods.Add(PlainCopy(method));

        var writer = new WriterParameters();
        MemoryStream? pdbOut = null;
        var provider = module.HasSymbols ? module.SymbolReader?.GetWriterProvider() : null;
        if (provider is EmbeddedPortablePdbWriterProvider) { writer.WriteSymbols = true; writer.SymbolWriterProvider = provider; }
        else if (provider is PortablePdbWriterProvider) { pdbOut = new MemoryStream(); writer.WriteSymbols = true; writer.SymbolWriterProvider = provider; writer.SymbolStream = pdbOut; }
        using (var stream = new FileStream(output, FileMode.Create, FileAccess.ReadWrite))
            module.Write(stream, writer);
        if (pdbOut != null) File.WriteAllBytes(Path.ChangeExtension(output, ".pdb"), pdbOut.ToArray());
    }

    static MethodDefinition PlainCopy(MethodDefinition method)
    {
        var copy = new MethodDefinition(method.Name + "$copy", MethodAttributes.Private | (method.Attributes & MethodAttributes.Static), method.ReturnType)
        { HasThis = method.HasThis };
        foreach (var g in method.GenericParameters) copy.GenericParameters.Add(new GenericParameter(g.Name, copy));
        foreach (var p in method.Parameters) copy.Parameters.Add(new ParameterDefinition(p.Name, p.Attributes, p.ParameterType));
        method.DeclaringType.Methods.Add(copy);
        foreach (var v in method.Body.Variables) copy.Body.Variables.Add(new VariableDefinition(v.VariableType));
        var map = new Dictionary<Instruction, Instruction>();
        foreach (var i in method.Body.Instructions)
        {
            var own = Instruction.Create(OpCodes.Nop);
            own.OpCode = i.OpCode;
            own.Operand = i.Operand;
            map[i] = own;
            copy.Body.Instructions.Add(own);
        }
        foreach (var own in copy.Body.Instructions)
            own.Operand = own.Operand switch
            {
                Instruction target => map[target],
                Instruction[] targets => targets.Select(t => map[t]).ToArray(),
                VariableDefinition v => copy.Body.Variables[v.Index],
                ParameterDefinition p => p.Index < 0 ? copy.Body.ThisParameter : copy.Parameters[p.Index],
                var other => other,
            };
        Instruction? Map(Instruction? i) => i == null ? null : map[i];
        foreach (var h in method.Body.ExceptionHandlers)
            copy.Body.ExceptionHandlers.Add(new ExceptionHandler(h.HandlerType)
            {
                CatchType = h.CatchType, TryStart = Map(h.TryStart), TryEnd = Map(h.TryEnd),
                HandlerStart = Map(h.HandlerStart), HandlerEnd = Map(h.HandlerEnd), FilterStart = Map(h.FilterStart),
            });
        return copy;
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
