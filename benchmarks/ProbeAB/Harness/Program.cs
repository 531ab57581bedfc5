using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace AsyncProf.ProbeAB
{
    /// <summary>
    /// Two builds of the runtime, each loaded with the probe loops into its own AssemblyLoadContext (own statics,
    /// own session), timed in alternation in one process: drift on a shared machine hits both alike, so the ratio
    /// holds where two separate benchmark runs disagree by more than the change measured.
    /// Usage: ProbeAB name=folder name=folder [--rounds N] [--ms M] [--only Workload,...] (each folder holds
    /// AsyncProf.dll and AsyncProf.ProbeLoops.dll built against it).
    /// </summary>
    static class Program
    {
        static string[] Workloads = { "SyncCall", "NestedSyncCall", "TreeCall", "AsyncCallWithOneSuspension", "IteratorItem" };

        sealed class Build
        {
            public string Name = "";
            public Dictionary<string, Func<int, long>> Loops = new Dictionary<string, Func<int, long>>();
        }

        sealed class FolderContext : AssemblyLoadContext
        {
            readonly string folder;
            public FolderContext(string folder) : base(Path.GetFileName(folder)) => this.folder = folder;

            protected override Assembly? Load(AssemblyName name)
            {
                var path = Path.Combine(folder, name.Name + ".dll");
                return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
            }
        }

        static int Main(string[] args)
        {
            var rounds = 41;
            var ms = 40;
            var builds = new List<Build>();
            for (var i = 0; i < args.Length; i++)
            {
                if (args[i] == "--rounds") rounds = int.Parse(args[++i]);
                else if (args[i] == "--ms") ms = int.Parse(args[++i]);
                else if (args[i] == "--only") Workloads = Workloads.Intersect(args[++i].Split(',')).ToArray();
                else
                {
                    var eq = args[i].IndexOf('=');
                    if (eq <= 0) { Console.Error.WriteLine($"ProbeAB: '{args[i]}' is not name=folder"); return 2; }
                    var folder = Path.GetFullPath(args[i].Substring(eq + 1));
                    var loops = Path.Combine(folder, "AsyncProf.ProbeLoops.dll");
                    if (!File.Exists(loops)) { Console.Error.WriteLine($"ProbeAB: {loops}: not found"); return 2; }
                    builds.Add(Load(args[i].Substring(0, eq), loops));
                }
            }
            if (builds.Count < 2) { Console.Error.WriteLine("ProbeAB: give two builds, name=folder each"); return 2; }

            Console.WriteLine($"ProbeAB: {rounds} rounds, ~{ms} ms per measurement, builds alternating (first one first in odd rounds)");
            Console.WriteLine($"| workload | {string.Join(" | ", builds.Select(b => b.Name + " ns/call"))} | {builds[1].Name} / {builds[0].Name} (median of rounds, range) | {string.Join(" | ", builds.Select(b => b.Name + " B/call"))} |");
            Console.WriteLine("|---|" + string.Concat(builds.Select(_ => "---:|")) + "---:|" + string.Concat(builds.Select(_ => "---:|")));
            foreach (var workload in Workloads)
            {
                // warm-up: enough calls of every loop for the tiered JIT to reach its final code (30 calls, then a
                // background recompile), then the calls per measurement, sized on the first build
                foreach (var b in builds)
                    for (var warm = 0; warm < 60; warm++)
                    {
                        b.Loops[workload](1000);
                        if (warm % 20 == 19) System.Threading.Thread.Sleep(50);
                    }
                var n = 1000;
                for (var warm = 0; warm < 6; warm++)
                    foreach (var b in builds)
                    {
                        var t = Stopwatch.StartNew();
                        b.Loops[workload](n);
                        if (b == builds[0] && t.Elapsed.TotalMilliseconds < ms) n = (int)Math.Min(int.MaxValue / 2, n * Math.Max(2, ms / Math.Max(0.1, t.Elapsed.TotalMilliseconds)));
                    }
                n = n / 16 * 16;
                var ns = builds.Select(_ => new List<double>()).ToArray();
                var bytes = new double[builds.Count];
                for (var r = 0; r < rounds; r++)
                    for (var k = 0; k < builds.Count; k++)
                    {
                        var i = r % 2 == 0 ? k : builds.Count - 1 - k;
                        var alloc = GC.GetAllocatedBytesForCurrentThread();
                        var t = Stopwatch.GetTimestamp();
                        builds[i].Loops[workload](n);
                        var elapsed = Stopwatch.GetTimestamp() - t;
                        bytes[i] = (GC.GetAllocatedBytesForCurrentThread() - alloc) / (double)n;
                        ns[i].Add(elapsed * 1e9 / Stopwatch.Frequency / n);
                    }
                var ratios = Enumerable.Range(0, rounds).Select(r => ns[1][r] / ns[0][r]).ToList();
                Console.WriteLine($"| {workload} | {string.Join(" | ", ns.Select(x => Median(x).ToString("F1")))} | {Median(ratios):F2}x ({ratios.Min():F2}-{ratios.Max():F2}) | {string.Join(" | ", bytes.Select(x => x.ToString("F0")))} |");
            }
            return 0;
        }

        static Build Load(string name, string loopsPath)
        {
            var context = new FolderContext(Path.GetDirectoryName(loopsPath)!);
            var type = context.LoadFromAssemblyPath(loopsPath).GetType("AsyncProf.ProbeLoops.Loops", throwOnError: true)!;
            type.GetMethod("StartRecording")!.Invoke(null, null);
            var build = new Build { Name = name };
            foreach (var workload in Workloads)
                build.Loops[workload] = type.GetMethod(workload)!.CreateDelegate<Func<int, long>>();
            return build;
        }

        static double Median(List<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }
    }
}
