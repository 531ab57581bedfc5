using System;
using System.IO;
using System.Linq;
using Mono.Cecil;

namespace NaiveTimingWeaver
{
    /// <summary>
    /// <c>NaiveTimingWeaver &lt;dll&gt;...</c>: rewrites each assembly in place so every method body runs inside
    /// try/finally with Stopwatch.GetTimestamp() before and after, adding the elapsed ticks and a call count into
    /// static per-method arrays. The baseline "simple timing weaver" the harness compares AsyncProf with.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length == 0) { Console.Error.WriteLine("usage: NaiveTimingWeaver <dll>..."); return 2; }
            foreach (var path in args)
            {
                var resolver = new DefaultAssemblyResolver();
                resolver.AddSearchDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                resolver.AddSearchDirectory(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
                var bytes = File.ReadAllBytes(path); // read fully so the file can be overwritten
                using var assembly = AssemblyDefinition.ReadAssembly(new MemoryStream(bytes), new ReaderParameters { AssemblyResolver = resolver });
                var (woven, skipped) = TimingInjector.Weave(assembly.MainModule);
                assembly.Write(path);
                Console.WriteLine($"{Path.GetFileName(path)}: {woven} methods timed, {skipped} left as they were");
            }
            return 0;
        }
    }
}
