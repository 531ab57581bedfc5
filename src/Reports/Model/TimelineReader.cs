using System.Collections.Generic;
using System.Text.Json;

namespace AsyncProf.Reports
{
    /// <summary>
    /// Reads the optional <c>timeline</c> section for <see cref="ProfileReader"/>. Problems are reported like the
    /// reader's: one line naming the file and the JSON location.
    /// </summary>
    internal static class TimelineReader
    {
        public static Timeline? ReadOptional(JsonElement root, string source, IReadOnlyList<FunctionStats> functions, IReadOnlyList<TreeNode> tree)
        {
            if (!root.TryGetProperty("timeline", out var t) || t.ValueKind == JsonValueKind.Null) return null;
            if (t.ValueKind != JsonValueKind.Object) throw Fail(source, $"timeline: expected an object, got {t.ValueKind.ToString().ToLowerInvariant()}");

            var functionIds = new HashSet<long>();
            foreach (var f in functions) functionIds.Add(f.Id);
            var nodeFunction = new Dictionary<long, long>();
            foreach (var n in tree) nodeFunction[n.Id] = n.Function;

            var dropped = OptionalCount(t, "droppedSegments", "timeline", source);

            var threads = new List<TimelineThread>();
            var threadIds = new HashSet<long>();
            var i = 0;
            foreach (var e in Array(t, "threads", source))
            {
                var at = $"timeline.threads[{i++}]";
                if (e.ValueKind != JsonValueKind.Object) throw Fail(source, $"{at}: expected an object");
                var id = Int(e, "id", at, source);
                string? name = null;
                if (e.TryGetProperty("name", out var nm) && nm.ValueKind != JsonValueKind.Null)
                {
                    if (nm.ValueKind != JsonValueKind.String) throw Fail(source, $"{at}.name: expected a string");
                    name = JsonText.GetString(nm, source, at + ".name");
                }
                if (!threadIds.Add(id)) throw Fail(source, $"{at}.id: duplicate thread id {id}");
                threads.Add(new TimelineThread { Id = id, Name = name });
            }

            var segments = new List<TimelineSegment>();
            i = 0;
            foreach (var e in Array(t, "segments", source))
            {
                var at = $"timeline.segments[{i++}]";
                if (e.ValueKind != JsonValueKind.Object) throw Fail(source, $"{at}: expected an object");
                long? parentCall = null;
                if (!e.TryGetProperty("parentCall", out var pc)) throw Fail(source, $"{at}: missing \"parentCall\"");
                if (pc.ValueKind != JsonValueKind.Null) parentCall = AsInt(pc, at + ".parentCall", source);
                if (!e.TryGetProperty("end", out var end) || end.ValueKind != JsonValueKind.String)
                    throw Fail(source, $"{at}.end: expected a string");
                var s = new TimelineSegment
                {
                    Call = Int(e, "call", at, source),
                    ParentCall = parentCall,
                    Function = Int(e, "function", at, source),
                    Node = Int(e, "node", at, source),
                    Thread = Int(e, "thread", at, source),
                    StartNs = Int(e, "startNs", at, source),
                    EndNs = Int(e, "endNs", at, source),
                    CpuNs = Int(e, "cpuNs", at, source),
                    End = JsonText.GetString(end, source, at + ".end"),
                };
                if (!functionIds.Contains(s.Function)) throw Fail(source, $"{at}.function: no function with id {s.Function}");
                if (!nodeFunction.TryGetValue(s.Node, out var nodeFn)) throw Fail(source, $"{at}.node: no tree node with id {s.Node}");
                if (nodeFn != s.Function) throw Fail(source, $"{at}.node: node {s.Node} is of function {nodeFn}, not {s.Function}");
                if (s.StartNs < 0) throw Fail(source, $"{at}.startNs: negative ({s.StartNs}); times count from the session's start");
                if (s.EndNs < s.StartNs) throw Fail(source, $"{at}.endNs: before startNs ({s.EndNs} < {s.StartNs})");
                if (s.CpuNs < 0) throw Fail(source, $"{at}.cpuNs: negative ({s.CpuNs})");
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

        static ProfileFormatException Fail(string source, string problem) => new ProfileFormatException(source, problem);

        static JsonElement.ArrayEnumerator Array(JsonElement obj, string name, string source)
        {
            if (!obj.TryGetProperty(name, out var v)) throw Fail(source, $"missing \"timeline.{name}\"");
            if (v.ValueKind != JsonValueKind.Array) throw Fail(source, $"timeline.{name}: expected an array");
            return v.EnumerateArray();
        }

        static long Int(JsonElement obj, string name, string at, string source)
        {
            if (!obj.TryGetProperty(name, out var v)) throw Fail(source, $"{at}: missing \"{name}\"");
            return AsInt(v, $"{at}.{name}", source);
        }

        static long OptionalCount(JsonElement obj, string name, string at, string source)
        {
            if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return 0;
            var value = AsInt(v, $"{at}.{name}", source);
            if (value < 0) throw Fail(source, $"{at}.{name}: negative ({value})");
            return value;
        }

        static long AsInt(JsonElement v, string where, string source)
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var value))
                throw Fail(source, $"{where}: expected an integer, got {(v.ValueKind == JsonValueKind.Number ? JsonText.Shown(v.GetRawText()) : v.ValueKind.ToString().ToLowerInvariant())}");
            return value;
        }
    }
}
