using System;
using System.IO;

namespace PerfWorkload
{
    /// <summary>
    /// One workload per process: <c>PerfWorkload &lt;workload&gt; &lt;reps&gt; &lt;result-file&gt; [size]</c>.
    /// Writes "ns-per-op ops-per-rep calls-per-op" (median of reps after a warm-up) to the result file, not stdout,
    /// so it can run under dotnet-trace, which hides the child's output. Each workload's timed function (Json, Run,
    /// Suspensions, Concurrent) is called only by the timed reps, never by the warm-up, so its recorded time in a
    /// profile covers exactly the timed calls.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            var workload = args[0];
            var reps = int.Parse(args[1]);
            var resultFile = args[2];
            var size = args.Length > 3 ? int.Parse(args[3]) : 0;
            string line = workload switch
            {
                "json" => Timing.Measure(reps, JsonWorkload.Warmup, () => JsonWorkload.Json(size == 0 ? 3000 : size), 1),
                "fib" => Timing.Measure(reps, FibWorkload.Warmup, () => FibWorkload.Run(size == 0 ? 32 : size), 1),
                "yield" => Timing.Measure(reps, AsyncWorkload.WarmupSuspensions, () => AsyncWorkload.Suspensions(size == 0 ? 30_000 : size), size == 0 ? 30_000 : size),
                "concurrent" => Timing.Measure(reps, AsyncWorkload.WarmupConcurrent, () => AsyncWorkload.Concurrent(size == 0 ? 2_000 : size), size == 0 ? 2_000 : size),
                "tree" => TreeWorkload.Run(size == 0 ? 10_000_000 : size),
                _ => throw new ArgumentException("unknown workload " + workload),
            };
            File.WriteAllText(resultFile, line + "\n");
            return 0;
        }
    }
}
