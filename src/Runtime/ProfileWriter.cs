using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using AsyncProf.Shared;

namespace AsyncProf
{
    /// <summary>Writes a session as asyncprof/1 JSON (docs/profile-schema.md), atomically: temp file, then rename.</summary>
    internal static class ProfileWriter
    {
        public const string Schema = "asyncprof/1";

        public static void WriteFile(Session session, string path)
        {
            var snapshot = Recorder.Unprofiled(() => ProfileSnapshot.Take(session));
            var full = Path.GetFullPath(path);
            var dir = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            Recorder.Unprofiled(() =>
            {
                // renamed over the target: a reader sees the old profile or the new one, never half of one
                PendingFile.Write(full, stream =>
                {
                    using var text = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                    Write(session, snapshot, text);
                });
                return true;
            });
        }

        /// <summary>Writes the session into <paramref name="stream"/> (left open): a profile kept in memory rather than in a file.</summary>
        public static void WriteTo(Session session, Stream stream)
        {
            var snapshot = Recorder.Unprofiled(() => ProfileSnapshot.Take(session));
            Recorder.Unprofiled(() =>
            {
                using (var text = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
                    Write(session, snapshot, text);
                return true;
            });
        }

        static void Write(Session session, ProfileSnapshot s, TextWriter text)
        {
            var w = new JsonTextWriter(text);
            w.StartObject();
            w.String("schema", Schema);
            WriteProcess(session, s, w);
            w.NewLine();
            w.StartArray("functions");
            foreach (var f in s.Functions)
            {
                w.NewLine();
                w.StartObject();
                w.Number("id", f.Id);
                w.String("name", f.Name);
                w.String("kind", f.Info.Kind);
                w.String("module", f.Info.Module);
                w.String("file", f.Info.File.Length == 0 ? null : f.Info.File);
                w.Number("line", f.Info.Line);
                WriteFigures(w, f);
                w.EndObject();
            }
            w.EndArray();
            w.NewLine();
            w.StartArray("edges");
            foreach (var e in s.Edges)
            {
                w.NewLine();
                w.StartObject();
                w.NumberOrNull("caller", e.Caller);
                w.Number("callee", e.Callee);
                w.Number("calls", e.Calls);
                w.Number("wallNs", e.WallNs);
                w.Number("cpuNs", e.CpuNs);
                w.Number("allocBytes", e.AllocBytes);
                w.EndObject();
            }
            w.EndArray();
            w.NewLine();
            w.StartArray("tree");
            foreach (var n in s.Nodes)
            {
                w.NewLine();
                w.StartObject();
                w.Number("id", n.Id);
                w.NumberOrNull("parent", n.ParentIndex < 0 ? (long?)null : s.Nodes[n.ParentIndex].Id);
                w.Number("function", n.FunctionLocalId);
                WriteFigures(w, n);
                w.EndObject();
            }
            w.EndArray();
            if (s.Blocking.Count > 0) WriteBlocking(s, w);
            if (s.Segments != null) WriteTimeline(s, w);
            w.NewLine();
            w.EndObject();
            w.NewLine();
        }

        static void WriteFigures(JsonTextWriter w, ProfileSnapshot.Figures f)
        {
            w.Number("calls", f.Calls);
            w.Number("inFlight", f.InFlight);
            w.Number("faults", f.Faults);
            w.Number("suspends", f.Suspends);
            w.Number("wallNs", f.WallNs);
            w.Number("cpuNs", f.CpuNs);
            w.Number("selfCpuNs", f.SelfCpuNs);
            w.Number("allocBytes", f.AllocBytes);
            w.Number("selfAllocBytes", f.SelfAllocBytes);
            w.Number("detached", f.Detached);
            w.Number("unobserved", f.Unobserved);
            w.Number("runningNs", f.RunningNs);
            w.Number("blockedNs", f.BlockedNs);
            w.Number("suspendedNs", f.SuspendedNs);
            w.Number("queuedNs", f.QueuedNs);
            w.Number("gcNs", f.GcNs);
            w.Number("selfGcNs", f.SelfGcNs);
            w.Number("criticalCount", f.CriticalCount);
            w.Number("criticalNs", f.CriticalNs);
        }

        /// <summary>The optional <c>blocking</c> section: time blocked per blocking call site, most first.</summary>
        static void WriteBlocking(ProfileSnapshot s, JsonTextWriter w)
        {
            w.NewLine();
            w.StartArray("blocking");
            foreach (var b in s.Blocking)
            {
                w.NewLine();
                w.StartObject();
                var known = s.FunctionByGlobalId.TryGetValue(b.Info.FunctionId, out var f);
                w.NumberOrNull("function", known ? f!.Id : (long?)null);
                w.String("name", known ? f!.Name : FunctionTable.Get(b.Info.FunctionId).Name);
                w.String("call", b.Info.Call);
                w.String("file", b.Info.File.Length == 0 ? null : b.Info.File);
                w.Number("line", b.Info.Line);
                w.Number("count", b.Count);
                w.Number("blockedNs", b.Ns);
                w.Number("maxNs", b.MaxNs);
                w.Number("poolThreadCount", b.PoolThreadCount);
                w.Number("poolThreadNs", b.PoolThreadNs);
                w.EndObject();
            }
            w.EndArray();
        }

        static void WriteTimeline(ProfileSnapshot s, JsonTextWriter w)
        {
            w.NewLine();
            w.StartObject("timeline");
            w.Number("droppedSegments", s.DroppedSegments);
            w.StartArray("threads");
            var seen = new System.Collections.Generic.HashSet<int>();
            foreach (var t in s.Threads)
            {
                if (!seen.Add(t.ManagedThreadId)) continue; // a session may have had two recorders on one thread
                w.StartObject();
                w.Number("id", t.ManagedThreadId);
                w.String("name", t.ThreadName);
                w.EndObject();
            }
            w.EndArray();
            w.StartArray("segments");
            foreach (var seg in s.Segments!)
            {
                if (!s.NodeOf.TryGetValue(seg.Node, out var node)) continue;
                w.NewLine();
                w.StartObject();
                w.Number("call", seg.CallId);
                w.NumberOrNull("parentCall", seg.ParentCallId == 0 ? (long?)null : seg.ParentCallId);
                w.Number("function", node.FunctionLocalId);
                w.Number("node", node.Id);
                w.Number("thread", seg.ThreadId);
                w.Number("startNs", (long)((seg.StartTicks - s.StartTimestamp) * Clock.TicksToNs));
                w.Number("endNs", (long)((seg.EndTicks - s.StartTimestamp) * Clock.TicksToNs));
                w.Number("cpuNs", Math.Max(0, seg.CpuNs));
                w.String("end", EndName(seg.End));
                w.EndObject();
            }
            w.EndArray();
            w.EndObject();
        }

        static string EndName(Timeline.SegmentEnd end)
        {
            switch (end)
            {
                case Timeline.SegmentEnd.Exit: return "exit";
                case Timeline.SegmentEnd.Fault: return "fault";
                case Timeline.SegmentEnd.Suspend: return "suspend";
                case Timeline.SegmentEnd.Complete: return "complete";
                default: return "open";
            }
        }

        static void WriteCorrection(ProbeCorrection? c, JsonTextWriter w)
        {
            if (c == null)
            {
                w.Null("probeCorrection");
                return;
            }
            w.StartObject("probeCorrection");
            w.Number("insideNs", c.InsideNs);
            w.Number("outsideNs", c.OutsideNs);
            w.Number("errorNs", c.ErrorNs);
            w.Number("subtractedWallNs", c.SubtractedWallNs);
            w.Number("rounds", c.Rounds);
            w.Number("callsPerRound", c.CallsPerRound);
            w.StartObject("calibration");
            w.Number("insideNs", c.CalibratedInsideNs);
            w.Number("outsideNs", c.CalibratedOutsideNs);
            w.Number("enterTailNs", c.LoopEnterTailNs);
            w.Number("exitTailNs", c.LoopExitTailNs);
            w.EndObject();
            if (c.InPlaceEvents == 0) w.Null("inPlace");
            else
            {
                w.StartObject("inPlace");
                w.Number("events", c.InPlaceEvents);
                w.Number("enterTailNs", c.InPlaceEnterTailNs);
                w.Number("exitTailNs", c.InPlaceExitTailNs);
                w.EndObject();
            }
            w.EndObject();
        }

        static void WriteProcess(Session session, ProfileSnapshot s, JsonTextWriter w)
        {
            var process = Process.GetCurrentProcess();
            w.StartObject("process");
            // under `dotnet app.dll` the process is "dotnet": the entry assembly names the app
            w.String("name", System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? process.ProcessName);
            w.Number("pid", process.Id);
            w.String("commandLine", Environment.CommandLine);
            w.String("runtime", RuntimeInformation.FrameworkDescription);
            w.String("os", RuntimeInformation.OSDescription);
            w.Number("processorCount", Environment.ProcessorCount);
            w.String("startedUtc", session.StartedUtc.ToString("o", CultureInfo.InvariantCulture));
            w.Number("durationNs", s.DurationNs);
            w.StartObject("cpuClock");
            w.String("scheme", ThreadCpuClock.Available ? "windowed" : "wall-approximation");
            w.Number("windowNs", session.CpuWindowNs);
            w.EndObject();
            w.String("clock", Clock.Source);
            WriteCorrection(s.Correction, w);
            w.String("error", session.Error);
            w.EndObject();
        }
    }
}
