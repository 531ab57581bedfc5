using System.Collections.Generic;
using System.Text.Json;

namespace AsyncProf.Reports
{
    /// <summary>
    /// Reads the optional <c>timeline</c> section for <see cref="ProfileReader"/>. Problems are reported like the
    /// reader's: one line naming the file and the JSON location.
    /// </summary>
    internal sealed class TimelineReader : JsonFieldReader
    {
        public TimelineReader(string source) : base(source) { }

        public Timeline? ReadOptional(JsonElement root, IReadOnlyList<FunctionStats> functions, IReadOnlyList<CallTreeNode> tree)
        {
            if (!root.TryGetProperty("timeline", out var t) || t.ValueKind == JsonValueKind.Null) return null;
            if (t.ValueKind != JsonValueKind.Object) throw Fail($"timeline: expected an object, got {t.ValueKind.ToString().ToLowerInvariant()}");

            var functionIds = new HashSet<long>();
            foreach (var f in functions) functionIds.Add(f.Id);
            var nodeFunction = new Dictionary<long, long>();
            foreach (var n in tree) nodeFunction[n.Id] = n.Function;

            var dropped = OptionalInt(t, "droppedSegments", "timeline", 0, long.MaxValue);

            var threads = new List<TimelineThread>();
            var threadIds = new HashSet<long>();
            foreach (var (e, at) in SectionObjects(t, "threads"))
            {
                var id = Int(e, "id", at);
                var name = OptionalString(e, "name", at);
                if (!threadIds.Add(id)) throw Fail($"{at}.id: duplicate thread id {id}");
                threads.Add(new TimelineThread { Id = id, Name = name });
            }

            var segments = new List<TimelineSegment>();
            foreach (var (e, at) in SectionObjects(t, "segments"))
            {
                var s = new TimelineSegment
                {
                    Call = Int(e, "call", at),
                    ParentCall = NullableInt(e, "parentCall", at),
                    Function = Int(e, "function", at),
                    Node = Int(e, "node", at),
                    Thread = Int(e, "thread", at),
                    StartNs = Int(e, "startNs", at),
                    EndNs = Int(e, "endNs", at),
                    CpuNs = Int(e, "cpuNs", at),
                    End = String(e, "end", at),
                };
                if (!functionIds.Contains(s.Function)) throw Fail($"{at}.function: no function with id {s.Function}");
                if (!nodeFunction.TryGetValue(s.Node, out var nodeFn)) throw Fail($"{at}.node: no tree node with id {s.Node}");
                if (nodeFn != s.Function) throw Fail($"{at}.node: node {s.Node} is of function {nodeFn}, not {s.Function}");
                if (s.StartNs < 0) throw Fail($"{at}.startNs: negative ({s.StartNs}); times count from the session's start");
                if (s.EndNs < s.StartNs) throw Fail($"{at}.endNs: before startNs ({s.EndNs} < {s.StartNs})");
                if (s.CpuNs < 0) throw Fail($"{at}.cpuNs: negative ({s.CpuNs})");
                if (!threadIds.Contains(s.Thread))
                {
                    // A thread the writer did not list: keep the segment, with an unnamed thread.
                    threadIds.Add(s.Thread);
                    threads.Add(new TimelineThread { Id = s.Thread });
                }
                segments.Add(s);
            }
            return new Timeline(dropped, threads, segments);
        }

        /// <summary>The objects of a required array of the section, located as <c>timeline.threads[i]</c>.</summary>
        IEnumerable<(JsonElement Value, string At)> SectionObjects(JsonElement section, string name)
        {
            if (!section.TryGetProperty(name, out var v)) throw Fail($"missing \"timeline.{name}\"");
            if (v.ValueKind != JsonValueKind.Array) throw Fail($"timeline.{name}: expected an array");
            return Objects(v.EnumerateArray(), "timeline." + name);
        }
    }
}
