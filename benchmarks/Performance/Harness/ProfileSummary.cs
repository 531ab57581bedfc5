using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace PerfHarness
{
    /// <summary>
    /// What the harness needs from an asyncprof/1 profile (docs/profile-schema.md), read tolerantly with
    /// System.Text.Json rather than src/Reports so that fields the format gains later (the probe-cost correction)
    /// are shown instead of refused: every property whose name mentions a correction, probe cost or residual, and
    /// every wall-time field of the top function, is reported as found.
    /// </summary>
    public sealed class ProfileSummary
    {
        public long Bytes;
        public long CallsRecorded;
        public int Functions;
        public int TreeNodes;
        public int TimelineEntries = -1;
        public long TopCalls;
        public long TopSubtreeCalls;
        /// <summary>Wall-time and correction fields of the top function's entry (wallNs and any corrected variant), summed.</summary>
        public Dictionary<string, long> TopWall = new();
        /// <summary>Correction-like fields anywhere in the file, by JSON path.</summary>
        public List<(string Path, string Value)> Corrections = new();

        static readonly string[] CorrectionWords = { "correction", "corrected", "probecost", "residual", "calibrat" };

        public static ProfileSummary Read(string path, string? topFunction)
        {
            var s = new ProfileSummary { Bytes = new FileInfo(path).Length };
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            var topIds = new HashSet<long>();
            if (root.TryGetProperty("functions", out var functions))
                foreach (var f in functions.EnumerateArray())
                {
                    s.Functions++;
                    s.CallsRecorded += Long(f, "calls") + Long(f, "inFlight");
                    var name = f.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
                    if (topFunction == null || !(name == topFunction || name.StartsWith(topFunction + "(", StringComparison.Ordinal))) continue;
                    topIds.Add(Long(f, "id"));
                    s.TopCalls += Long(f, "calls");
                    foreach (var p in f.EnumerateObject())
                        if (p.Value.ValueKind == JsonValueKind.Number && (p.Name.Contains("wall", StringComparison.OrdinalIgnoreCase) || CorrectionWords.Any(w => p.Name.Contains(w, StringComparison.OrdinalIgnoreCase))))
                            s.TopWall[p.Name] = s.TopWall.GetValueOrDefault(p.Name) + p.Value.GetInt64();
                }
            if (root.TryGetProperty("tree", out var tree))
            {
                var nodes = tree.EnumerateArray().Select(t => (Id: Long(t, "id"), Parent: t.TryGetProperty("parent", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : (long?)null,
                                                               Function: Long(t, "function"), Calls: Long(t, "calls"))).ToList();
                s.TreeNodes = nodes.Count;
                // A parent is listed before its children: one pass marks every node under a top-function node.
                var under = new HashSet<long>();
                foreach (var node in nodes)
                    if (topIds.Contains(node.Function) || (node.Parent is long parent && under.Contains(parent)))
                    {
                        under.Add(node.Id);
                        s.TopSubtreeCalls += node.Calls;
                    }
            }
            if (root.TryGetProperty("timeline", out var timeline) && timeline.ValueKind == JsonValueKind.Object)
                s.TimelineEntries = timeline.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array).Sum(p => p.Value.GetArrayLength());
            FindCorrections(root, "$", s.Corrections, depth: 0);
            return s;
        }

        static long Long(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

        // Big arrays (tree, timeline) are searched in their first elements only: a correction is stated per file
        // or per thread, and per-node fields show in the top function's figures.
        static void FindCorrections(JsonElement e, string path, List<(string, string)> found, int depth)
        {
            if (depth > 6) return;
            if (e.ValueKind == JsonValueKind.Object)
                foreach (var p in e.EnumerateObject())
                {
                    var here = path + "." + p.Name;
                    if (CorrectionWords.Any(w => p.Name.Contains(w, StringComparison.OrdinalIgnoreCase)) && found.Count < 40)
                        found.Add((here, p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? p.Value.GetRawText() : p.Value.ToString()));
                    else FindCorrections(p.Value, here, found, depth + 1);
                }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    if (i >= 3) break;
                    FindCorrections(item, $"{path}[{i++}]", found, depth + 1);
                }
            }
        }
    }
}
