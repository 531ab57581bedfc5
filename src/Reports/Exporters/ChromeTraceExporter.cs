using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using AsyncProf.Reports.Analysis;

namespace AsyncProf.Reports.Exporters
{
    /// <summary>
    /// Chrome Trace Event JSON (object form, <c>traceEvents</c>), for ui.perfetto.dev and chrome://tracing, built from
    /// the profile's timeline:
    /// <list type="bullet">
    /// <item>every segment (a stretch of a call's own code) is an <c>X</c> slice on the thread that ran it; times in
    /// microseconds with nanosecond decimals, <c>tdur</c> the thread CPU time, <c>cat</c> the function's kind, args the
    /// call, its caller's call, the tree node and how the segment ended;</item>
    /// <item>every call of an async method or iterator is a nestable async span (<c>b</c>/<c>e</c>, cat <c>async</c>,
    /// id the call id) from its first start to its completion, its suspensions included; a call still in flight ends
    /// at the end of the trace with <c>inFlight: true</c>;</item>
    /// <item>a flow (<c>s</c>/<c>f</c>, cat <c>resume</c>) links a segment that suspended to the call's next segment
    /// when that resumption ran on another thread;</item>
    /// <item><c>M</c> metadata names the process and its threads;</item>
    /// <item>slices and spans of detached work (calls that outlived their caller's call, and what they called) have
    /// <c>detached</c> in their category list (<c>async,detached</c>) and <c>detachedFrom</c>, the function that
    /// started it, in their args.</item>
    /// </list>
    /// The trace has one event per segment of the timeline, whose length the runtime bounds
    /// (<c>ASYNCPROF_TIMELINE_CAPACITY</c>), so deep recursion makes it longer, never quadratic.
    /// A profile without a timeline cannot be exported: <see cref="ProfileExportException"/>.
    /// </summary>
    public sealed class ChromeTraceExporter : IProfileExporter
    {
        public string Name => "chrome";
        public string FileExtension => ".trace.json";

        public static string NoTimelineMessage(Profile profile) =>
            $"{(profile.SourcePath != null ? Path.GetFileName(profile.SourcePath) : "this profile")} has no timeline, which a Chrome trace needs: " +
            "record it with ASYNCPROF_TIMELINE=1 (or ASYNCPROF_OUTPUT=<file>.trace.json)";

        public void Export(Profile profile, Stream output)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            if (output == null) throw new ArgumentNullException(nameof(output));
            var timeline = profile.Timeline ?? throw new ProfileExportException(NoTimelineMessage(profile));
            var pid = profile.Process.Pid > 0 ? profile.Process.Pid : 1;
            var segments = timeline.Segments;
            var events = new List<Event>();
            // detached work: category "detached" next to the kind, and the function that started it in the args
            var figures = CallTreeFigures.Of(profile);
            string? DetachedFrom(long node) => figures.FrameOf(profile.CallTree.Node(node)).Lane?.DetachedFrom!.Name;
            string Category(string category, string? detachedFrom) => detachedFrom == null ? category : category + ",detached";

            // X slices, sorted later by (ts, longer first) so a parent comes before a child starting at the same time
            for (var i = 0; i < segments.Count; i++)
            {
                var s = segments[i];
                var f = profile.Function(s.Function);
                var detachedFrom = DetachedFrom(s.Node);
                events.Add(new Event(s.StartNs, -s.DurationNs, i, 0, w =>
                {
                    w.WriteString("ph", "X");
                    w.WriteString("name", f.Name);
                    w.WriteString("cat", Category(string.IsNullOrEmpty(f.Kind) ? "call" : f.Kind, detachedFrom));
                    w.WriteNumber("pid", pid);
                    w.WriteNumber("tid", s.Thread);
                    Micros(w, "ts", s.StartNs);
                    Micros(w, "dur", s.DurationNs);
                    Micros(w, "tdur", s.CpuNs);
                    w.WriteStartObject("args");
                    w.WriteNumber("call", s.Call);
                    if (s.ParentCall is long pc) w.WriteNumber("parentCall", pc); else w.WriteNull("parentCall");
                    w.WriteNumber("node", s.Node);
                    w.WriteString("end", s.End);
                    if (detachedFrom != null) w.WriteString("detachedFrom", detachedFrom);
                    w.WriteEndObject();
                }));
            }

            var traceEnd = segments.Count == 0 ? 0 : segments.Max(s => s.EndNs);
            var flowId = 0L;
            foreach (var call in Enumerable.Range(0, segments.Count).GroupBy(i => segments[i].Call))
            {
                var list = call.OrderBy(i => segments[i].StartNs).ThenBy(i => i).ToList();
                var first = segments[list[0]];
                var last = segments[list[^1]];
                var f = profile.Function(first.Function);
                var isAsync = f.Kind != "sync" || list.Count > 1 || list.Any(i => segments[i].End == SegmentEnds.Suspend);
                if (isAsync)
                {
                    var detachedFrom = DetachedFrom(first.Node);
                    var done = last.End is SegmentEnds.Complete or SegmentEnds.Fault or SegmentEnds.Exit;
                    var endNs = done ? last.EndNs : Math.Max(traceEnd, last.EndNs);
                    // the span opens just before the first slice and closes after the last, at the same times
                    events.Add(new Event(first.StartNs, long.MinValue, 0, 0, w =>
                    {
                        w.WriteString("ph", "b");
                        w.WriteString("name", f.Name);
                        w.WriteString("cat", Category("async", detachedFrom));
                        w.WriteNumber("id", first.Call);
                        w.WriteNumber("pid", pid);
                        w.WriteNumber("tid", first.Thread);
                        Micros(w, "ts", first.StartNs);
                        w.WriteStartObject("args");
                        w.WriteNumber("call", first.Call);
                        if (first.ParentCall is long pc) w.WriteNumber("parentCall", pc); else w.WriteNull("parentCall");
                        w.WriteNumber("node", first.Node);
                        w.WriteNumber("segments", list.Count);
                        if (detachedFrom != null) w.WriteString("detachedFrom", detachedFrom);
                        w.WriteEndObject();
                    }));
                    events.Add(new Event(endNs, long.MaxValue, 0, 0, w =>
                    {
                        w.WriteString("ph", "e");
                        w.WriteString("name", f.Name);
                        w.WriteString("cat", Category("async", detachedFrom));
                        w.WriteNumber("id", first.Call);
                        w.WriteNumber("pid", pid);
                        w.WriteNumber("tid", last.Thread);
                        Micros(w, "ts", endNs);
                        w.WriteStartObject("args");
                        w.WriteString("end", done ? last.End : "inFlight");
                        if (!done) w.WriteBoolean("inFlight", true);
                        w.WriteEndObject();
                    }));
                }
                for (var k = 0; k + 1 < list.Count; k++)
                {
                    var from = segments[list[k]];
                    var to = segments[list[k + 1]];
                    if (from.End != SegmentEnds.Suspend || from.Thread == to.Thread) continue;
                    var id = ++flowId;
                    // each flow event sits at its slice's start, right after it in the file: it binds to that slice
                    events.Add(new Event(from.StartNs, -from.DurationNs, list[k], 1, w =>
                    {
                        w.WriteString("ph", "s");
                        w.WriteString("name", "resume");
                        w.WriteString("cat", "resume");
                        w.WriteNumber("id", id);
                        w.WriteNumber("pid", pid);
                        w.WriteNumber("tid", from.Thread);
                        Micros(w, "ts", from.StartNs);
                    }));
                    events.Add(new Event(to.StartNs, -to.DurationNs, list[k + 1], 1, w =>
                    {
                        w.WriteString("ph", "f");
                        w.WriteString("bp", "e");
                        w.WriteString("name", "resume");
                        w.WriteString("cat", "resume");
                        w.WriteNumber("id", id);
                        w.WriteNumber("pid", pid);
                        w.WriteNumber("tid", to.Thread);
                        Micros(w, "ts", to.StartNs);
                    }));
                }
            }

            using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            writer.WriteStartObject();
            writer.WriteStartArray("traceEvents");
            writer.WriteStartObject();
            writer.WriteString("ph", "M");
            writer.WriteString("name", "process_name");
            writer.WriteNumber("pid", pid);
            writer.WriteStartObject("args");
            writer.WriteString("name", profile.Process.Name ?? "asyncprof");
            writer.WriteEndObject();
            writer.WriteEndObject();
            foreach (var t in timeline.Threads.OrderBy(t => t.Id))
            {
                writer.WriteStartObject();
                writer.WriteString("ph", "M");
                writer.WriteString("name", "thread_name");
                writer.WriteNumber("pid", pid);
                writer.WriteNumber("tid", t.Id);
                writer.WriteStartObject("args");
                writer.WriteString("name", string.IsNullOrEmpty(t.Name) ? $"thread {t.Id}" : $"{t.Name} ({t.Id})");
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            var seq = 0;
            foreach (var e in events.Select(e => (e, seq: seq++)).OrderBy(x => x.e.Ts).ThenBy(x => x.e.Order).ThenBy(x => x.e.Tie).ThenBy(x => x.e.Sub).ThenBy(x => x.seq))
            {
                writer.WriteStartObject();
                e.e.Write(writer);
                writer.WriteEndObject();
                if (writer.BytesPending > FlushBytes) writer.Flush();
            }
            writer.WriteEndArray();
            // no "displayTimeUnit": Perfetto reads "ns" there as the unit of every ts and dur, not as a display hint
            writer.WriteStartObject("otherData");
            writer.WriteString("exporter", "asyncprof@" + ExporterInfo.Version);
            writer.WriteNumber("droppedSegments", timeline.DroppedSegments);
            if (profile.Process.Name != null) writer.WriteString("process", profile.Process.Name);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.Flush();
        }

        /// <summary>Nanoseconds written as microseconds, exactly (three decimals at most).</summary>
        static void Micros(Utf8JsonWriter w, string name, long ns) => w.WriteNumber(name, ns / 1000m);

        const int FlushBytes = 1 << 16;

        sealed record Event(long Ts, long Order, int Tie, int Sub, Action<Utf8JsonWriter> Write);
    }
}
