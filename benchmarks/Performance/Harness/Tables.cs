using System;
using System.Collections.Generic;
using System.Linq;

namespace PerfHarness
{
    /// <summary>Prints the per-workload tables and the recorded-versus-unprofiled comparison.</summary>
    public static class Tables
    {
        public static void Workload(Workload w, IReadOnlyList<Configuration> configurations, Dictionary<(string, string), List<RunResult>> results)
        {
            var plain = Stats.Median(results[(w.Key, "plain")].Select(r => r.Get("ns_per_op")));
            // Calls per op from the recordings: the top function's subtree per timed call (or, with no top
            // function, all calls over all ops the process made, warm-up included).
            var recordings = results.TryGetValue((w.Key, "recording"), out var rec) ? rec : new List<RunResult>();
            var summaries = recordings.Select(r => ProfileSummary.Read(r.ProfilePath!, w.TopFunction)).ToList();
            var callsPerOp = Stats.Median(recordings.Zip(summaries, (r, s) => w.TopFunction != null && s.TopCalls > 0
                ? (double)s.TopSubtreeCalls / s.TopCalls / r.Get("ops_per_rep")
                : (double)s.CallsRecorded / r.Get(r.Values.ContainsKey("ops_total") ? "ops_total" : "ops_per_rep")));

            Console.WriteLine();
            Console.WriteLine($"## {w.Title}");
            Console.WriteLine($"woven calls per {w.Unit} (from the recordings): {callsPerOp.ToString(callsPerOp >= 100 ? "N0" : "N2")}");
            // Every build must compute what the plain build computes (the workloads return a checksum per rep).
            var expected = results[(w.Key, "plain")][0].Values.GetValueOrDefault("checksum");
            foreach (var ((key, config), runs) in results.Where(p => p.Key.Item1 == w.Key))
                foreach (var run in runs.Where(r => r.Values.GetValueOrDefault("checksum") != expected))
                    Console.WriteLine($"WARNING: {config} computed checksum {run.Values.GetValueOrDefault("checksum")}, plain {expected}: that build is broken");
            Console.WriteLine($"| configuration | ns per {w.Unit} | range over rounds | ratio to plain | extra ns per woven call | notes |");
            Console.WriteLine("|---|---:|---:|---:|---:|---|");
            foreach (var c in configurations)
            {
                if (!results.TryGetValue((w.Key, c.Key), out var runs)) continue;
                var times = runs.Select(r => r.Get("ns_per_op")).ToList();
                var median = Stats.Median(times);
                var extra = c.Key == "plain" || callsPerOp <= 0 ? "" : $"{(median - plain) / callsPerOp:F1}";
                var notes = "";
                if (c.Recording && summaries.Count > 0)
                    notes = $"calls recorded per process {Stats.Median(summaries.Select(s => (double)s.CallsRecorded)):N0}, profile {Stats.Median(summaries.Select(s => (double)s.Bytes)) / 1024:N0} KB, {summaries[0].Functions} functions, {summaries[0].TreeNodes} tree nodes";
                Console.WriteLine($"| {c.Title} | {median:N1} | {times.Min():N1} - {times.Max():N1} | {median / plain:F2}x | {extra} | {notes} |");
            }
        }

        /// <summary>Issue 9's criterion: the recorded inclusive wall time per call of the top function against its unprofiled time.</summary>
        public static void RecordedVersusPlain(IReadOnlyList<Workload> workloads, Dictionary<(string, string), List<RunResult>> results)
        {
            Console.WriteLine();
            Console.WriteLine("## Recorded time versus unprofiled time (issue 9: within 1.3x on the JSON workload)");
            Console.WriteLine("recorded = the top function's inclusive wall time in the profile / its calls (timed reps only); unprofiled = plain's time per rep (median); the recording's own timing = the same reps' mean, timed by the workload");
            Console.WriteLine("| workload | function | unprofiled ms per call | recording run's own timing ms per call | recorded field | recorded ms per call | recorded / unprofiled |");
            Console.WriteLine("|---|---|---:|---:|---|---:|---:|");
            var corrections = new List<string>();
            foreach (var w in workloads.Where(w => w.TopFunction != null && results.ContainsKey((w.Key, "recording"))))
            {
                var plainRep = Stats.Median(results[(w.Key, "plain")].Select(r => r.Get("ns_per_op") * r.Get("ops_per_rep")));
                var recordings = results[(w.Key, "recording")];
                // The profile's wallNs / calls is a mean over the process's timed reps: compare it with their mean.
                var measuredRep = Stats.Median(recordings.Select(r => r.Get("mean_ns_per_op") * r.Get("ops_per_rep")));
                var summaries = recordings.Select(r => ProfileSummary.Read(r.ProfilePath!, w.TopFunction)).ToList();
                var fields = summaries.SelectMany(s => s.TopWall.Keys).Distinct().OrderBy(k => k == "wallNs" ? "" : k).ToList();
                if (fields.Count == 0) Console.WriteLine($"| {w.Key} | {w.TopFunction} | {plainRep / 1e6:N3} | {measuredRep / 1e6:N3} | (function not in profile) | | |");
                foreach (var field in fields)
                {
                    var perCall = Stats.Median(summaries.Where(s => s.TopCalls > 0).Select(s => (double)s.TopWall.GetValueOrDefault(field) / s.TopCalls));
                    Console.WriteLine($"| {w.Key} | {w.TopFunction} | {plainRep / 1e6:N3} | {measuredRep / 1e6:N3} | {field} | {perCall / 1e6:N3} | {perCall / plainRep:F2}x |");
                }
                foreach (var (path, value) in summaries[0].Corrections) corrections.Add($"{w.Key}: {path} = {value}");
            }
            Console.WriteLine(corrections.Count == 0
                ? "probe-cost correction: none in these profiles (no field named like probeCorrection/corrected/residual/calibration)"
                : "probe-cost correction fields found (first recording of each workload):\n  " + string.Join("\n  ", corrections));
        }
    }
}
