using System;
using System.Collections.Generic;
using System.Linq;

namespace PerfHarness
{
    /// <summary>
    /// Records ~10 million calls over a generated tree of 336 functions, depth 14, and prints memory: unwoven, recording
    /// without the timeline, recording with it (ASYNCPROF_TIMELINE=1, default capacity), each also at a tenth of the
    /// calls, so that "bounded by the tree, the timeline by its buffer" shows as figures that do not grow with calls.
    /// </summary>
    public static class MemoryMode
    {
        public static void Run(Runner runner, Options options)
        {
            var full = options.Quick ? 1_000_000 : 10_000_000; // and a tenth of it
            var cases = new List<(string Title, string Build, Dictionary<string, string>? Env, int Calls)>();
            foreach (var calls in new[] { full / 10, full })
            {
                cases.Add(("plain", "plain", null, calls));
                cases.Add(("woven, recording, no timeline", "woven", new() { ["ASYNCPROF_OUTPUT"] = "{profile}" }, calls));
                cases.Add(("woven, recording + timeline", "woven", new() { ["ASYNCPROF_OUTPUT"] = "{profile}", ["ASYNCPROF_TIMELINE"] = "1" }, calls));
            }
            Console.WriteLine();
            Console.WriteLine("## Memory: a call tree of 336 functions, depth 14 (PerfWorkload tree)");
            Console.WriteLine("peak WS and GC heap are read in the process after the calls, before the profile is written; max RSS (/usr/bin/time) covers the whole process, writing included");
            Console.WriteLine("| configuration | calls | ns per call | peak working set MB | GC heap after full GC MB | GC committed MB | max RSS MB | profile KB | tree nodes | timeline entries |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (title, build, env, calls) in cases)
            {
                var r = runner.Run("PerfWorkload", build, new[] { "tree", "1", "{result}", calls.ToString() }, traced: false, env, measureRss: true);
                var s = r.ProfilePath != null ? ProfileSummary.Read(r.ProfilePath, null) : null;
                Console.Error.WriteLine($"memory: {title} {calls:N0} calls done");
                Console.WriteLine($"| {title} | {r.Get("calls"):N0} | {r.Get("ns_per_op"):N1} | {r.Get("peak_ws_mb"):N1} | {r.Get("gc_heap_mb"):N1} | {r.Get("gc_committed_mb"):N1} | " +
                                  $"{(r.MaxRssKb is long kb ? (kb / 1024.0).ToString("N1") : "n/a")} | {(s != null ? (s.Bytes / 1024.0).ToString("N0") : "")} | {s?.TreeNodes.ToString("N0") ?? ""} | {(s == null || s.TimelineEntries < 0 ? "" : s.TimelineEntries.ToString("N0"))} |");
            }
        }
    }
}
