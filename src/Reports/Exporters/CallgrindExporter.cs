using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using AsyncProf.Shared;
using AsyncProf.Reports.Analysis;

namespace AsyncProf.Reports.Exporters
{
    /// <summary>
    /// Callgrind format, version 1 (valgrind.org/docs/manual/cl-format.html), for KCachegrind/QCachegrind and
    /// callgrind_annotate. Events <c>Wall Cpu Alloc</c> (nanoseconds, nanoseconds, bytes). Each function has one self
    /// cost line (at its source line), and one <c>calls=</c> association per callee with the callee's inclusive cost,
    /// as the profile's <c>edges</c> count them (recursion counted once). Wall costs are those of
    /// <see cref="CallTreeFigures"/>: where async children overlap by more than their caller's wall time, their wall
    /// time is scaled down to fit in it, so that every function's inclusive cost (self plus calls) stays consistent
    /// and the totals are the roots' wall time; elsewhere they are the profile's figures exactly. Calls from unprofiled code (roots) appear as
    /// calls from a <c>(root)</c> function, so every completed call is counted and <c>(root)</c>'s inclusive cost is
    /// the whole profile. Detached work (calls that outlived their caller's call) is called from a pseudo-function
    /// <c>[detached from F]</c>, itself called from <c>(root)</c>, so that F's inclusive cost excludes it and the
    /// totals still add up. The output is per function and per edge, so its size never depends on the recursion
    /// depth. Names are compressed (<c>fn=(id) name</c>). A profile with the wall split adds the events
    /// <c>Running Blocked Suspended</c>: self costs are the self wall's split (<see cref="WallSplit.OfSelf"/>), call
    /// costs the callee subtree's (<see cref="CallEdge.AttributedSplit"/>), so the three add up to the Wall costs.
    /// </summary>
    public sealed class CallgrindExporter : IProfileExporter
    {
        public const string RootName = "(root)";

        public string Name => "callgrind";
        public string FileExtension => ".callgrind";

        public void Export(Profile profile, Stream output)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            if (output == null) throw new ArgumentNullException(nameof(output));
            var figures = CallTreeFigures.Of(profile);
            var inv = CultureInfo.InvariantCulture;
            var w = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };

            var withSplit = profile.HasWallSplit;
            var parts = WallSplit.PartsOf(profile);
            var events = withSplit ? 3 + parts.Count : 3;
            var self = new Dictionary<long, long[]>();
            foreach (var f in profile.Functions) self[f.Id] = new long[events];
            foreach (var node in profile.Tree)
            {
                var s = self[node.Function];
                s[0] = SaturatingMath.Add(s[0], figures.SelfWall(node));
                s[1] = SaturatingMath.Add(s[1], node.SelfCpuNs);
                s[2] = SaturatingMath.Add(s[2], node.SelfAllocBytes);
                if (!withSplit) continue;
                var split = figures.SelfSplit(node);
                for (var k = 0; k < parts.Count; k++) s[3 + k] = SaturatingMath.Add(s[3 + k], split.Part(parts[k]));
            }
            // figures are int64: sums of hostile ones stop at long.MaxValue rather than overflow
            var totals = Enumerable.Range(0, events).Select(k => SaturatingMath.Sum(self.Values.Select(s => s[k]))).ToArray();
            long[] EdgeCosts(IEnumerable<CallEdge> edges)
            {
                var list = edges.ToList();
                var costs = new[] { SaturatingMath.Sum(list.Select(e => e.AttributedWallNs)), SaturatingMath.Sum(list.Select(e => e.CpuNs)), SaturatingMath.Sum(list.Select(e => e.AllocBytes)) };
                return withSplit
                    ? costs.Concat(parts.Select(p => SaturatingMath.Sum(list.Select(e => e.AttributedSplit.Part(p))))).ToArray()
                    : costs;
            }

            w.WriteLine("# callgrind format");
            w.WriteLine("version: 1");
            w.WriteLine("creator: asyncprof " + ExporterInfo.Version);
            if (profile.Process.Pid > 0) w.WriteLine("pid: " + profile.Process.Pid.ToString(inv));
            var cmd = profile.Process.CommandLine ?? profile.Process.Name;
            if (!string.IsNullOrEmpty(cmd)) w.WriteLine("cmd: " + OneLineText.Of(cmd));
            w.WriteLine("part: 1");
            w.WriteLine();
            w.WriteLine("desc: Trigger: asyncprof profile" + (profile.Process.Name != null ? " of " + OneLineText.Of(profile.Process.Name) : ""));
            w.WriteLine("event: Wall : Wall time (ns, suspensions included)");
            w.WriteLine("event: Cpu : CPU time (ns)");
            w.WriteLine("event: Alloc : Allocated bytes");
            if (withSplit)
            {
                w.WriteLine("event: Running : Wall time on CPU (ns)");
                w.WriteLine("event: Blocked : Wall time on a thread, off CPU (ns)");
                w.WriteLine("event: Suspended : Wall time awaiting, on no thread (ns)");
                if (parts.Contains(WallPart.Queued)) w.WriteLine("event: Queued : Wall time a continuation waited for a thread (ns)");
                if (parts.Contains(WallPart.Gc)) w.WriteLine("event: Gc : Wall time in GC pauses (ns)");
            }
            w.WriteLine("positions: line");
            w.WriteLine(!withSplit ? "events: Wall Cpu Alloc"
                : "events: Wall Cpu Alloc " + string.Join(" ", parts.Select(p => EventName(p))));
            w.WriteLine("summary: " + Costs(totals));
            w.WriteLine();

            // name compression: ids for files and functions
            var fileIds = new Dictionary<string, int>(StringComparer.Ordinal);
            string Fl(string? file)
            {
                var name = string.IsNullOrEmpty(file) ? "???" : OneLineText.Of(file!);
                if (fileIds.TryGetValue(name, out var id)) return $"({id})";
                fileIds[name] = id = fileIds.Count + 1;
                return $"({id}) {name}";
            }
            // function ids; (root) is keyed apart (any int64 is a legal function id), and a lane of detached work
            // is a pseudo-function "[detached from F]" called from (root)
            var fnIds = new Dictionary<(bool IsRoot, bool Lane, long Id), int>();
            string Fn(long? function, bool lane = false)
            {
                var key = (function == null, lane, function ?? 0);
                if (fnIds.TryGetValue(key, out var id)) return $"({id})";
                fnIds[key] = id = fnIds.Count + 1;
                var name = lane ? LaneName(profile.Function(function!.Value).Name)
                    : function is long f ? FunctionName(profile.Function(f).Name) : RootName;
                return $"({id}) {name}";
            }
            int LineOf(long? function) => function is long f ? Math.Max(0, profile.Function(f).Line) : 0;

            var edgesByCaller = figures.Edges.Where(e => e.Caller != null && !e.Detached).GroupBy(e => e.Caller!.Value).ToDictionary(g => g.Key, g => g.ToList());
            var rootEdges = figures.Edges.Where(e => e.Caller == null).ToList();
            var lanes = figures.Edges.Where(e => e.Detached).GroupBy(e => e.Caller!.Value).ToList();
            if (rootEdges.Count > 0 || lanes.Count > 0)
            {
                w.WriteLine("fl=" + Fl(null));
                w.WriteLine("fn=" + Fn(null));
                if (rootEdges.Count > 0) WriteCalls(null, rootEdges);
                foreach (var lane in lanes)
                {
                    w.WriteLine("cfl=" + Fl(null));
                    w.WriteLine("cfn=" + Fn(lane.Key, lane: true));
                    w.WriteLine($"calls={SaturatingMath.Sum(lane.Select(e => e.Calls)).ToString(inv)} 0");
                    w.WriteLine("0 " + Costs(EdgeCosts(lane)));
                }
                w.WriteLine();
            }
            foreach (var lane in lanes)
            {
                w.WriteLine("fl=" + Fl(null));
                w.WriteLine("fn=" + Fn(lane.Key, lane: true));
                w.WriteLine("0 " + Costs(new long[events]));
                WriteCalls(null, lane.ToList());
                w.WriteLine();
            }
            foreach (var f in profile.Functions)
            {
                w.WriteLine("fl=" + Fl(f.File));
                w.WriteLine("fn=" + Fn(f.Id));
                w.WriteLine(LineOf(f.Id).ToString(inv) + " " + Costs(self[f.Id]));
                if (edgesByCaller.TryGetValue(f.Id, out var calls)) WriteCalls(f.Id, calls);
                w.WriteLine();
            }
            w.WriteLine("totals: " + Costs(totals));
            w.Flush();

            void WriteCalls(long? caller, List<CallEdge> edges)
            {
                foreach (var e in edges)
                {
                    var callee = profile.Function(e.Callee);
                    w.WriteLine("cfl=" + Fl(callee.File));
                    w.WriteLine("cfn=" + Fn(e.Callee));
                    w.WriteLine($"calls={e.Calls.ToString(inv)} {LineOf(e.Callee).ToString(inv)}");
                    w.WriteLine(LineOf(caller).ToString(inv) + " " + Costs(EdgeCosts(new[] { e })));
                }
            }
        }

        /// <summary>A wall part's event name: its key capitalised (Running, Blocked, Suspended, Queued, Gc).</summary>
        static string EventName(WallPart part)
        {
            var key = WallSplit.Key(part);
            return char.ToUpperInvariant(key[0]) + key.Substring(1);
        }

        static string Costs(long[] values) => string.Join(" ", values.Select(v => Math.Max(0, v).ToString(CultureInfo.InvariantCulture)));

        /// <summary>The pseudo-function that calls the detached work a function started.</summary>
        public static string LaneName(string callerName) => $"[detached from {FunctionName(callerName)}]";

        static string FunctionName(string name)
        {
            var s = OneLineText.Of(name).Trim();
            return s.Length == 0 ? "?" : s;
        }
    }
}
