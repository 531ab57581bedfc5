using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using AsyncProf.Reports.Analysis;

namespace AsyncProf.Reports.Exporters
{
    /// <summary>
    /// speedscope's own file format (https://www.speedscope.app/file-format-schema.json): one <c>sampled</c> profile
    /// per metric (wall time and CPU time in nanoseconds, allocated bytes), sharing one frame per function. Each
    /// sample is a logical stack (frame indices, root first) weighted by the stack's self value, so the weights add up
    /// to the profile's totals. Stacks are those of <see cref="CallTreeFigures.Frames"/>: detached work is a stack
    /// of its own under a <c>[detached from F]</c> frame (so its time is not in F's), deep recursion and very deep
    /// stacks are collapsed into marker frames (<c>[... N recursive frames collapsed]</c>). Sampled rather than evented: evented profiles must nest strictly in time, which
    /// overlapping async calls do not.
    /// </summary>
    public sealed class SpeedscopeExporter : IProfileExporter
    {
        public const string SchemaUrl = "https://www.speedscope.app/file-format-schema.json";

        public string Name => "speedscope";
        public string FileExtension => ".speedscope.json";

        public void Export(Profile profile, Stream output)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            if (output == null) throw new ArgumentNullException(nameof(output));
            var figures = CallTreeFigures.Of(profile);

            var frameOf = new Dictionary<long, int>();
            for (var i = 0; i < profile.Functions.Count; i++) frameOf[profile.Functions[i].Id] = i;
            // markers (detached lanes, collapsed frames) are frames of their own after the functions
            var markers = new List<string>();
            var markerIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            int IndexOf(CallFrame f)
            {
                if (f.Function != null) return frameOf[f.Function.Id];
                if (!markerIndex.TryGetValue(f.Name, out var i)) { markerIndex[f.Name] = i = profile.Functions.Count + markers.Count; markers.Add(f.Name); }
                return i;
            }
            foreach (var f in figures.Frames) if (f.IsMarker) IndexOf(f);

            using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            w.WriteStartObject();
            w.WriteString("$schema", SchemaUrl);
            var title = profile.Process.Name ?? (profile.SourcePath != null ? Path.GetFileName(profile.SourcePath) : "asyncprof profile");
            w.WriteString("name", title);
            w.WriteString("exporter", "asyncprof@" + ExporterInfo.Version);
            w.WriteNumber("activeProfileIndex", 0);

            w.WriteStartObject("shared");
            w.WriteStartArray("frames");
            foreach (var f in profile.Functions)
            {
                w.WriteStartObject();
                w.WriteString("name", f.Name);
                if (!string.IsNullOrEmpty(f.File)) w.WriteString("file", f.File);
                if (f.Line > 0) w.WriteNumber("line", f.Line);
                w.WriteEndObject();
            }
            foreach (var m in markers)
            {
                w.WriteStartObject();
                w.WriteString("name", m);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteStartArray("profiles");
            foreach (var metric in ProfileMetrics.All)
            {
                w.WriteStartObject();
                w.WriteString("type", "sampled");
                w.WriteString("name", $"{title}: {ProfileMetrics.Description(metric)}");
                w.WriteString("unit", ProfileMetrics.Unit(metric));
                w.WriteNumber("startValue", 0);
                w.WriteNumber("endValue", figures.Total(metric));
                var weights = new List<long>();
                w.WriteStartArray("samples");
                var stackOf = new Dictionary<CallFrame, int[]>();
                foreach (var frame in figures.FramesDepthFirst())
                {
                    var parentStack = frame.Parent is { } p && stackOf.TryGetValue(p, out var ps) ? ps : Array.Empty<int>();
                    var stack = new int[parentStack.Length + 1];
                    parentStack.CopyTo(stack, 0);
                    stack[^1] = IndexOf(frame);
                    if (frame.Children.Count > 0) stackOf[frame] = stack;
                    var weight = frame.Self(metric);
                    if (weight <= 0) continue;
                    w.WriteStartArray();
                    foreach (var index in stack) w.WriteNumberValue(index);
                    w.WriteEndArray();
                    weights.Add(weight);
                    if (w.BytesPending > 1 << 16) w.Flush();
                }
                w.WriteEndArray();
                w.WriteStartArray("weights");
                foreach (var x in weights) w.WriteNumberValue(x);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.Flush();
        }
    }
}
