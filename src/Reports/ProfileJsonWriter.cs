using System;
using System.Globalization;
using System.Text.Json;

namespace AsyncProf.Reports
{
    /// <summary>
    /// Writes a <see cref="Profile"/> as asyncprof/1 JSON (docs/profile-schema.md) into a caller's writer: the native
    /// exporter and the HTML report's embedded data share it, so the two never drift apart.
    /// </summary>
    public static class ProfileJsonWriter
    {
        /// <param name="source">an extra top-level <c>source</c> field naming the file the profile came from, or null</param>
        public static void Write(Utf8JsonWriter w, Profile profile, bool includeTimeline, string? source = null)
        {
            if (w == null) throw new ArgumentNullException(nameof(w));
            if (profile == null) throw new ArgumentNullException(nameof(profile));
        w.WriteStartObject();
        w.WriteString("schema", Profile.SchemaId);
        if (source != null) w.WriteString("source", source);

        var p = profile.Process;
        w.WriteStartObject("process");
        WriteStringOrNull(w, "name", p.Name);
        w.WriteNumber("pid", p.Pid);
        WriteStringOrNull(w, "commandLine", p.CommandLine);
        WriteStringOrNull(w, "runtime", p.Runtime);
        WriteStringOrNull(w, "os", p.OS);
        w.WriteNumber("processorCount", p.ProcessorCount);
        if (p.StartedUtc is DateTimeOffset started)
            w.WriteString("startedUtc", started.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        else w.WriteNull("startedUtc");
        w.WriteNumber("durationNs", p.DurationNs);
        if (p.CpuClock is { } clock)
        {
            w.WriteStartObject("cpuClock");
            WriteStringOrNull(w, "scheme", clock.Scheme);
            w.WriteNumber("windowNs", clock.WindowNs);
            w.WriteEndObject();
        }
        if (p.Clock != null) w.WriteString("clock", p.Clock);
        if (p.ProbeCorrection is { } correction)
        {
            w.WriteStartObject("probeCorrection");
            w.WriteNumber("insideNs", correction.InsideNs);
            w.WriteNumber("outsideNs", correction.OutsideNs);
            w.WriteNumber("errorNs", correction.ErrorNs);
            w.WriteNumber("subtractedWallNs", correction.SubtractedWallNs);
            if (correction.Rounds is long rounds) w.WriteNumber("rounds", rounds);
            if (correction.CallsPerRound is long callsPerRound) w.WriteNumber("callsPerRound", callsPerRound);
            if (correction.Calibration is { } calibration)
            {
                w.WriteStartObject("calibration");
                w.WriteNumber("insideNs", calibration.InsideNs);
                w.WriteNumber("outsideNs", calibration.OutsideNs);
                w.WriteNumber("enterTailNs", calibration.EnterTailNs);
                w.WriteNumber("exitTailNs", calibration.ExitTailNs);
                w.WriteEndObject();
            }
            if (correction.InPlace is { } inPlace)
            {
                w.WriteStartObject("inPlace");
                w.WriteNumber("events", inPlace.Events);
                w.WriteNumber("enterTailNs", inPlace.EnterTailNs);
                w.WriteNumber("exitTailNs", inPlace.ExitTailNs);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        if (p.Error != null) w.WriteString("error", p.Error);
        w.WriteEndObject();
        if (profile.Request is { } request) WriteRequest(w, request);

        w.WriteStartArray("functions");
        foreach (var f in profile.Functions)
        {
            w.WriteStartObject();
            w.WriteNumber("id", f.Id);
            w.WriteString("name", f.Name);
            w.WriteString("kind", f.Kind);
            WriteStringOrNull(w, "module", f.Module);
            WriteStringOrNull(w, "file", f.File);
            w.WriteNumber("line", f.Line);
            WriteFigures(w, f);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("edges");
        foreach (var e in profile.Edges) WriteEdge(w, e.Caller, e.Callee, e.Calls, e.WallNs, e.CpuNs, e.AllocBytes);
        w.WriteEndArray();

        w.WriteStartArray("tree");
        foreach (var n in profile.Tree)
        {
            w.WriteStartObject();
            w.WriteNumber("id", n.Id);
            if (n.Parent is long parent) w.WriteNumber("parent", parent); else w.WriteNull("parent");
            w.WriteNumber("function", n.Function);
            WriteFigures(w, n);
            w.WriteEndObject();
            if (w.BytesPending > 1 << 16) w.Flush();
        }
        w.WriteEndArray();

        if (profile.BlockingSites.Count > 0)
        {
            w.WriteStartArray("blocking");
            foreach (var b in profile.BlockingSites)
            {
                w.WriteStartObject();
                if (b.Function is long f) w.WriteNumber("function", f); else w.WriteNull("function");
                w.WriteString("name", b.Name);
                w.WriteString("call", b.Call);
                WriteStringOrNull(w, "file", b.File);
                w.WriteNumber("line", b.Line);
                w.WriteNumber("count", b.Count);
                w.WriteNumber("blockedNs", b.BlockedNs);
                w.WriteNumber("maxNs", b.MaxNs);
                w.WriteNumber("poolThreadCount", b.PoolThreadCount);
                w.WriteNumber("poolThreadNs", b.PoolThreadNs);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }

        if (includeTimeline && profile.Timeline is { } t)
        {
            w.WriteStartObject("timeline");
            w.WriteNumber("droppedSegments", t.DroppedSegments);
            w.WriteStartArray("threads");
            foreach (var th in t.Threads)
            {
                w.WriteStartObject();
                w.WriteNumber("id", th.Id);
                WriteStringOrNull(w, "name", th.Name);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("segments");
            foreach (var s in t.Segments)
            {
                w.WriteStartObject();
                w.WriteNumber("call", s.Call);
                if (s.ParentCall is long pc) w.WriteNumber("parentCall", pc); else w.WriteNull("parentCall");
                w.WriteNumber("function", s.Function);
                w.WriteNumber("node", s.Node);
                w.WriteNumber("thread", s.Thread);
                w.WriteNumber("startNs", s.StartNs);
                w.WriteNumber("endNs", s.EndNs);
                w.WriteNumber("cpuNs", s.CpuNs);
                w.WriteString("end", s.End);
                w.WriteEndObject();
                if (w.BytesPending > 1 << 16) w.Flush();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        }

        /// <summary>One object of an <c>edges</c> array (docs/profile-schema.md), as the file and the HTML page's data both carry it.</summary>
        internal static void WriteEdge(Utf8JsonWriter w, long? caller, long callee, long calls, long wallNs, long cpuNs, long allocBytes)
        {
            w.WriteStartObject();
            if (caller is long c) w.WriteNumber("caller", c); else w.WriteNull("caller");
            w.WriteNumber("callee", callee);
            w.WriteNumber("calls", calls);
            w.WriteNumber("wallNs", wallNs);
            w.WriteNumber("cpuNs", cpuNs);
            w.WriteNumber("allocBytes", allocBytes);
            w.WriteEndObject();
        }

        static void WriteFigures(Utf8JsonWriter w, CallFigures f)
        {
            w.WriteNumber("calls", f.Calls);
            w.WriteNumber("inFlight", f.InFlight);
            w.WriteNumber("faults", f.Faults);
            w.WriteNumber("suspends", f.Suspends);
            w.WriteNumber("wallNs", f.WallNs);
            w.WriteNumber("cpuNs", f.CpuNs);
            w.WriteNumber("selfCpuNs", f.SelfCpuNs);
            w.WriteNumber("allocBytes", f.AllocBytes);
            w.WriteNumber("selfAllocBytes", f.SelfAllocBytes);
            w.WriteNumber("detached", f.Detached);
            w.WriteNumber("unobserved", f.Unobserved);
            if (f.CriticalCount != 0 || f.CriticalNs != 0)
            {
                w.WriteNumber("criticalCount", f.CriticalCount);
                w.WriteNumber("criticalNs", f.CriticalNs);
            }
            if (!f.HasWallSplit) return; // an older file: not there, rather than zeros that say nothing ran
            w.WriteNumber("runningNs", f.RunningNs);
            w.WriteNumber("blockedNs", f.BlockedNs);
            w.WriteNumber("suspendedNs", f.SuspendedNs);
            if (f.HasQueuedField || f.QueuedNs != 0) w.WriteNumber("queuedNs", f.QueuedNs);
            if (!f.HasGcFields && f.GcNs == 0 && f.SelfGcNs == 0) return;
            w.WriteNumber("gcNs", f.GcNs);
            w.WriteNumber("selfGcNs", f.SelfGcNs);
        }

        static void WriteRequest(Utf8JsonWriter w, RequestInfo r)
        {
            w.WriteStartObject("request");
            WriteStringOrNull(w, "profileId", r.ProfileId);
            WriteStringOrNull(w, "method", r.Method);
            WriteStringOrNull(w, "path", r.Path);
            WriteStringOrNull(w, "route", r.Route);
            if (r.Status is int status) w.WriteNumber("status", status); else w.WriteNull("status");
            if (r.DurationNs is long duration) w.WriteNumber("durationNs", duration); else w.WriteNull("durationNs");
            WriteStringOrNull(w, "traceId", r.TraceId);
            w.WriteEndObject();
        }

        static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
        {
            if (value == null) w.WriteNull(name); else w.WriteString(name, value);
        }
    }
}
