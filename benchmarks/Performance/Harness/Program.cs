using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace PerfHarness
{
    /// <summary>
    /// Runs every workload in every configuration, one process per run, in interleaved rounds (round 1 runs each
    /// configuration once, then round 2, ..., the configurations' order rotating each round) so that drift on a
    /// shared machine hits all configurations alike; then prints one table per workload, the recorded-vs-unprofiled
    /// comparison, and the memory mode. benchmarks/Performance/run.sh prepares the builds and starts it.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            Options options;
            try { options = Options.Parse(args); }
            catch (ArgumentException e) { Console.Error.WriteLine(e.Message); return 2; }
            var runner = new Runner(options);
            var workloads = Workloads.All(options.Quick).Where(w => options.Only == null || options.Only.Contains(w.Key)).ToList();
            var configurations = Configurations.All(options.Trace);
            var results = new Dictionary<(string Workload, string Config), List<RunResult>>();
            var clock = Stopwatch.StartNew();

            for (var round = 0; round < options.Rounds; round++)
                foreach (var w in workloads)
                    for (var c = 0; c < configurations.Count; c++)
                    {
                        var config = configurations[(c + round) % configurations.Count];
                        var appArgs = w.App == "PerfWeb"
                            ? new[] { options.Reps.ToString(), "{result}", w.Size }
                            : new[] { w.Key, options.Reps.ToString(), "{result}", w.Size };
                        var env = config.Recording ? new Dictionary<string, string> { ["ASYNCPROF_OUTPUT"] = "{profile}" } : null;
                        var r = runner.Run(w.App, config.Build, appArgs, config.Traced, env);
                        Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] round {round + 1}/{options.Rounds} {w.Key,-10} {config.Key,-9} {r.Get("ns_per_op"),14:N1} ns/{w.Unit}");
                        (results.TryGetValue((w.Key, config.Key), out var list) ? list : results[(w.Key, config.Key)] = new()).Add(r);
                    }

            Console.WriteLine($"AsyncProf side-by-side performance: {options.Rounds} round(s) x {options.Reps} timed rep(s) per process, median of rounds (each round's figure: median of its reps){(options.Quick ? ", --quick sizes" : "")}");
            foreach (var w in workloads) Tables.Workload(w, configurations, results);
            Tables.RecordedVersusPlain(workloads, results);
            if (options.Memory && options.Only == null || options.Only?.Contains("memory") == true) MemoryMode.Run(runner, options);
            Console.WriteLine();
            Console.WriteLine($"total harness time {clock.Elapsed:mm\\:ss}");
            return 0;
        }
    }
}
