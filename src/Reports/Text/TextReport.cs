using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncProf.Reports.Formatting;
using AsyncProf.Shared;

namespace AsyncProf.Reports.Text
{
    public sealed class TextReportOptions
    {
        public ReportSort Sort { get; init; } = ReportSort.Wall;
        /// <summary>Show only the first N functions in sort order; null shows all.</summary>
        public int? Top { get; init; }
    }

    /// <summary>
    /// The per function table `asyncprof report` prints: one row per function with calls, suspensions, inclusive
    /// wall time (total and per completed call), self and inclusive CPU time and inclusive allocations. The
    /// "in flight", "faults", "detached" and "unobserved" columns appear only when some function has a non-zero figure
    /// there, the last two with a note saying what they mean.
    /// </summary>
    public static class TextReport
    {
        public static string Render(Profile profile, TextReportOptions? options = null)
        {
            var w = new StringWriter { NewLine = "\n" };
            Write(profile, w, options);
            return w.ToString();
        }

        public static void Write(Profile profile, TextWriter output, TextReportOptions? options = null)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            if (output == null) throw new ArgumentNullException(nameof(output));
            options ??= new TextReportOptions();
            if (options.Top is int t && t <= 0) throw new ArgumentOutOfRangeException(nameof(options), "Top must be positive");

            WriteHeader(profile, output);

            var all = ReportSorts.Apply(profile.Functions, options.Sort).ToList();
            var shown = options.Top is int top ? all.Take(top).ToList() : all;
            var sortKey = ReportSorts.KeyOf(options.Sort);
            output.WriteLine(shown.Count == all.Count
                ? $"{Plural(all.Count, "function")}, sorted by {sortKey}"
                : $"{Plural(all.Count, "function")}, sorted by {sortKey}, top {shown.Count} shown");
            if (all.Count == 0) return;
            output.WriteLine();

            var showInFlight = all.Any(f => f.InFlight != 0);
            var showFaults = all.Any(f => f.Faults != 0);
            var showDetached = all.Any(f => f.Detached != 0);
            var showUnobserved = all.Any(f => f.Unobserved != 0);
            var showSplit = profile.HasWallSplit;
            var showGc = profile.HasGcPauses;
            var showQueued = profile.HasQueuedTime;

            var table = new TextTable()
                .Column("name", Align.Left)
                .Column("kind", Align.Left)
                .Column("calls", Align.Right);
            if (showInFlight) table.Column("in flight", Align.Right);
            if (showFaults) table.Column("faults", Align.Right);
            table.Column("suspends", Align.Right)
                .Column("wall", Align.Right)
                .Column("wall/call", Align.Right);
            if (showSplit)
                table.Column("running", Align.Right)
                    .Column("blocked", Align.Right)
                    .Column("suspended", Align.Right);
            if (showQueued) table.Column("queued", Align.Right);
            if (showGc) table.Column("GC", Align.Right);
            table.Column("self CPU", Align.Right)
                .Column("incl CPU", Align.Right)
                .Column("alloc", Align.Right);
            if (showDetached) table.Column("detached", Align.Right);
            if (showUnobserved) table.Column("unobserved", Align.Right);

            foreach (var f in shown)
            {
                var cells = new List<string> { f.Name, f.Kind, Units.Count(f.Calls) };
                if (showInFlight) cells.Add(f.InFlight == 0 ? "" : Units.Count(f.InFlight));
                if (showFaults) cells.Add(f.Faults == 0 ? "" : Units.Count(f.Faults));
                cells.Add(Units.Count(f.Suspends));
                cells.Add(Units.Duration(f.WallNs));
                cells.Add(f.WallNsPerCall is double perCall ? Units.Duration(perCall) : "-");
                if (showSplit)
                {
                    cells.Add(Units.Duration(f.RunningNs));
                    cells.Add(Units.Duration(f.BlockedNs));
                    cells.Add(Units.Duration(f.SuspendedNs));
                }
                if (showQueued) cells.Add(Units.Duration(f.QueuedNs));
                if (showGc) cells.Add(Units.Duration(f.GcNs));
                cells.Add(Units.Duration(f.SelfCpuNs));
                cells.Add(Units.Duration(f.CpuNs));
                cells.Add(Units.Bytes(f.AllocBytes));
                if (showDetached) cells.Add(f.Detached == 0 ? "" : Units.Count(f.Detached) + " [detached]");
                if (showUnobserved) cells.Add(f.Unobserved == 0 ? "" : Units.Count(f.Unobserved));
                table.Row(cells.ToArray());
            }
            table.Write(output);

            if (shown.Count < all.Count)
                output.WriteLine($"({Plural(all.Count - shown.Count, "more function")} not shown)");
            if (showGc)
                output.WriteLine("running + blocked + suspended + GC = wall: on CPU; on a thread but off CPU (sleep, lock, blocking I/O, .Result); " +
                                 "awaiting on no thread; in GC pauses");
            else if (showSplit)
                output.WriteLine("running + blocked + suspended = wall: on CPU; on a thread but off CPU (sleep, lock, blocking I/O, .Result); " +
                                 "awaiting on no thread");
            if (showQueued)
                output.WriteLine("queued: of suspended, the time continuations waited for a thread (a queue behind busy threads, a starved thread pool)");
            if (showInFlight)
                output.WriteLine("in flight: calls still running or suspended when the profile was written; not included in wall and calls");
            if (showDetached)
                output.WriteLine("detached: calls that completed after their caller's call ended (fire-and-forget, un-awaited tasks, timers); " +
                                 "their figures are not in their callers'");
            if (showUnobserved)
                output.WriteLine("unobserved: calls that returned a task whose completion could not be observed; they end at return");
        }

        static void WriteHeader(Profile profile, TextWriter output)
        {
            var p = profile.Process;
            var parts = new List<string>();
            var name = p.Name ?? "(unnamed process)";
            parts.Add(p.Pid != 0 ? $"{name} (pid {p.Pid})" : name);
            if (p.DurationNs > 0) parts.Add("ran " + Units.Duration(p.DurationNs));
            if (!string.IsNullOrEmpty(p.Runtime)) parts.Add(p.Runtime!);
            if (p.ProcessorCount > 0) parts.Add(Plural(p.ProcessorCount, "CPU"));
            if (p.StartedUtc is DateTimeOffset started) parts.Add("started " + started.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC");
            output.WriteLine("profile of " + string.Join(", ", parts));
            if (profile.Request is { } request) output.WriteLine("request: " + OneLineText.Of(request.ToString()));
            if (p.CpuClock is { } clock && !string.IsNullOrEmpty(clock.Scheme))
                output.WriteLine(clock.WindowNs > 0
                    ? $"CPU clock: {clock.Scheme}, window {Units.Duration(clock.WindowNs)}"
                    : $"CPU clock: {clock.Scheme}");
            output.WriteLine(p.ProbeCorrection is { } correction
                ? correction.ToString()
                : "probe cost not subtracted: call-dense functions show the probe's own time");
            if (!string.IsNullOrEmpty(p.Error))
                output.WriteLine("the profiler reported a problem: " + OneLineText.Of(p.Error!));
        }

        static string Plural(long n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
    }
}
