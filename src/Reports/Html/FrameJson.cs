using System;
using System.Buffers;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AsyncProf.Reports.Text;
using AsyncProf.Reports.Analysis;

namespace AsyncProf.Reports.Html
{
    /// <summary>
    /// The tree the HTML report's flame graph draws: <see cref="CallTreeFigures.Frames"/> (detached work in lanes of
    /// its own, deep recursion and very deep stacks collapsed), the notes that explain its markers and the call edges
    /// the details list (<see cref="CallTreeFigures.EdgesPerPair"/>), as JSON
    /// safe to place inside a script element (no <c>&lt;</c> at all).
    /// </summary>
    public static class FrameJson
    {
        public static string Write(Profile profile)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            var figures = CallTreeFigures.Of(profile);
            var withSplit = profile.HasWallSplit;
            var withGc = profile.HasGcPauses;
            var withQueued = profile.HasQueuedTime;
            // the critical path's frames (only drawn when some call was waited on last: a bare root is no path)
            var path = CriticalPath.Of(profile);
            var critical = path.Count > 1 ? new System.Collections.Generic.HashSet<CallFrame>(path.Select(figures.FrameOf)) : new System.Collections.Generic.HashSet<CallFrame>();
            var buffer = new ArrayBufferWriter<byte>(16 * 1024);
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.Default }))
            {
                w.WriteStartObject();
                w.WriteStartArray("frames");
                foreach (var f in figures.Frames)
                {
                    w.WriteStartObject();
                    w.WriteString("key", f.Key);
                    if (f.Parent != null) w.WriteString("parent", f.Parent.Key); else w.WriteNull("parent");
                    if (f.Function != null) w.WriteNumber("function", f.Function.Id); else w.WriteNull("function");
                    w.WriteString("kind", KindName(f.Kind));
                    if (f.IsMarker) w.WriteString("name", f.Name);
                    if (f.Lane != null) w.WriteString("detachedFrom", f.Lane.DetachedFrom!.Name);
                    if (f.IsDetachedCall) w.WriteBoolean("detachedCall", true);
                    if (critical.Contains(f)) w.WriteBoolean("critical", true);
                    w.WriteNumber("collapsed", f.CollapsedFrames);
                    w.WriteNumber("calls", f.Calls);
                    w.WriteNumber("inFlight", f.InFlight);
                    w.WriteNumber("faults", f.Faults);
                    w.WriteNumber("suspends", f.Suspends);
                    w.WriteNumber("detached", f.Detached);
                    w.WriteNumber("unobserved", f.Unobserved);
                    w.WriteNumber("wallNs", f.WallNs);
                    w.WriteNumber("cpuNs", f.CpuNs);
                    w.WriteNumber("selfCpuNs", f.SelfCpuNs);
                    w.WriteNumber("allocBytes", f.AllocBytes);
                    w.WriteNumber("selfAllocBytes", f.SelfAllocBytes);
                    if (withSplit)
                    {
                        w.WriteNumber("runningNs", f.Split.RunningNs);
                        w.WriteNumber("blockedNs", f.Split.BlockedNs);
                        w.WriteNumber("suspendedNs", f.Split.SuspendedNs + f.Split.QueuedNs); // as in the file: queued is part of it
                        if (withQueued) w.WriteNumber("queuedNs", f.Split.QueuedNs);
                        if (withGc) w.WriteNumber("gcNs", f.Split.GcNs);
                    }
                    w.WriteEndObject();
                    if (w.BytesPending > 1 << 16) w.Flush();
                }
                w.WriteEndArray();
                w.WriteStartArray("notes");
                foreach (var note in TreeReport.FrameNotes(figures)) w.WriteStringValue(note);
                w.WriteEndArray();
                // the callers and callees the details show: derived from the tree like every other report's
                w.WriteStartArray("edges");
                foreach (var e in figures.EdgesPerPair) ProfileJsonWriter.WriteEdge(w, e.Caller, e.Callee, e.Calls, e.WallNs, e.CpuNs, e.AllocBytes);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.WrittenSpan).Replace("<", "\\u003C", StringComparison.Ordinal);
        }

        /// <summary>The <c>kind</c> of a frame in the page's data: <c>call</c>, <c>lane</c>, <c>recursion</c>, <c>depth</c>.</summary>
        public static string KindName(FrameKind kind) => kind switch
        {
            FrameKind.Call => "call",
            FrameKind.DetachedLane => "lane",
            FrameKind.CollapsedRecursion => "recursion",
            _ => "depth",
        };
    }
}
