using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncProf.Reports.Formatting;
using AsyncProf.Reports.Analysis;

namespace AsyncProf.Reports.Text
{
    public enum CallDirection
    {
        /// <summary>Who calls the function, and how much of its time each caller accounts for.</summary>
        Callers,
        /// <summary>What the function calls, and how much of its time each callee takes.</summary>
        Callees,
    }

    /// <summary>
    /// Callers or callees of a function, like pstats' print_callers / print_callees: one row per caller (callee)
    /// with the calls between them and the callee's inclusive wall time, CPU time and allocations through that
    /// caller, each also as a share of the function's own inclusive figure. Callees also get a <c>(self)</c> row.
    /// Figures follow the profile's <c>edges</c> rules (recursion counted once). Calls with no profiled caller show
    /// as <c>(root)</c>; detached calls (which outlived their caller's call) are rows of their own marked
    /// <c>[detached]</c>, and are not part of the caller's figures.
    /// </summary>
    public static class CallersReport
    {
        public const string RootName = "(root)", SelfName = "(self)", DetachedMarker = " [detached]";

        /// <summary>
        /// The functions a name designates: the exact name if a function has it, else every function whose name
        /// contains it (ignoring case). Empty when none does.
        /// </summary>
        public static IReadOnlyList<FunctionStats> Match(Profile profile, string name)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            if (string.IsNullOrEmpty(name)) return Array.Empty<FunctionStats>();
            var exact = profile.Functions.Where(f => f.Name == name).ToList();
            if (exact.Count > 0) return exact;
            return profile.Functions.Where(f => f.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
                .OrderBy(f => f.Name, StringComparer.Ordinal).ThenBy(f => f.Id).ToList();
        }

        public static string Render(Profile profile, string name, CallDirection direction, ProfileMetric sortBy = ProfileMetric.Wall)
        {
            var w = new StringWriter { NewLine = "\n" };
            Write(profile, w, name, direction, sortBy);
            return w.ToString();
        }

        /// <summary>Writes one section per matching function; throws <see cref="ArgumentException"/> (one-line message) when none matches.</summary>
        public static void Write(Profile profile, TextWriter output, string name, CallDirection direction, ProfileMetric sortBy = ProfileMetric.Wall)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            if (output == null) throw new ArgumentNullException(nameof(output));
            var matches = Match(profile, name);
            if (matches.Count == 0) throw new ArgumentException($"no function named or containing '{name}' in the profile");
            var figures = CallTreeFigures.Of(profile);
            var first = true;
            foreach (var f in matches)
            {
                if (!first) output.WriteLine();
                first = false;
                WriteOne(profile, figures, f, output, direction, sortBy);
            }
        }

        static void WriteOne(Profile profile, CallTreeFigures figures, FunctionStats f, TextWriter output, CallDirection direction, ProfileMetric sortBy)
        {
            var incoming = figures.Edges.Where(e => e.Callee == f.Id).ToList();
            var own = new long[3];
            foreach (var e in incoming)
            {
                own[0] = SaturatingMath.Add(own[0], e.WallNs);
                own[1] = SaturatingMath.Add(own[1], e.CpuNs);
                own[2] = SaturatingMath.Add(own[2], e.AllocBytes);
            }
            var calls = SaturatingMath.Sum(incoming.Select(e => e.Calls));

            output.WriteLine($"{(direction == CallDirection.Callers ? "callers" : "callees")} of {f.Name} ({f.Kind}): " +
                             $"{Units.Count(calls)} call{(calls == 1 ? "" : "s")}, wall {Units.Duration(own[0])}, CPU {Units.Duration(own[1])}, alloc {Units.Bytes(own[2])}");

            var rows = new List<(string Name, long Calls, long[] Values)>();
            string Marked(string name, CallEdge e) => e.Detached ? name + DetachedMarker : name;
            if (direction == CallDirection.Callers)
            {
                foreach (var e in incoming)
                    rows.Add((Marked(e.Caller is long c ? profile.Function(c).Name : RootName, e), e.Calls, new[] { e.WallNs, e.CpuNs, e.AllocBytes }));
            }
            else
            {
                foreach (var e in figures.Edges.Where(e => e.Caller == f.Id))
                    rows.Add((Marked(profile.Function(e.Callee).Name, e), e.Calls, new[] { e.WallNs, e.CpuNs, e.AllocBytes }));
            }
            var metricIndex = sortBy switch { ProfileMetric.Wall => 0, ProfileMetric.Cpu => 1, _ => 2 };
            rows = rows.OrderByDescending(r => r.Values[metricIndex]).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
            if (direction == CallDirection.Callees)
            {
                var self = new long[3];
                foreach (var n in profile.Tree.Where(n => n.Function == f.Id))
                {
                    self[0] = SaturatingMath.Add(self[0], figures.SelfWall(n));
                    self[1] = SaturatingMath.Add(self[1], n.SelfCpuNs);
                    self[2] = SaturatingMath.Add(self[2], n.SelfAllocBytes);
                }
                rows.Insert(0, (SelfName, -1, self));
            }
            if (rows.Count == 0)
            {
                output.WriteLine("  (no calls recorded)");
                return;
            }
            output.WriteLine();

            string Share(long v, int i) => own[i] == 0 ? "-" : TreeReport.Percent(100.0 * v / own[i]);
            var table = new TextTable()
                .Column(direction == CallDirection.Callers ? "caller" : "callee", Align.Left)
                .Column("calls", Align.Right)
                .Column("wall", Align.Right).Column("wall%", Align.Right)
                .Column("cpu", Align.Right).Column("cpu%", Align.Right)
                .Column("alloc", Align.Right).Column("alloc%", Align.Right);
            foreach (var r in rows)
                table.Row(r.Name, r.Calls < 0 ? "" : Units.Count(r.Calls),
                    Units.Duration(r.Values[0]), Share(r.Values[0], 0),
                    Units.Duration(r.Values[1]), Share(r.Values[1], 1),
                    Units.Bytes(r.Values[2]), Share(r.Values[2], 2));
            table.Write(output);
            if (rows.Any(r => r.Name.EndsWith(DetachedMarker, StringComparison.Ordinal)))
                output.WriteLine(direction == CallDirection.Callers
                    ? "[detached]: calls that completed after that caller's call ended; not in the caller's figures"
                    : "[detached]: work it started that completed after its call ended; not in its figures, so shares can pass 100%");
        }
    }
}
