using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using AsyncProf.Reports.Analysis;

namespace AsyncProf.Reports.Exporters
{
    /// <summary>
    /// pprof: a gzipped <c>perftools.profiles.Profile</c> protocol buffer (github.com/google/pprof, proto/profile.proto),
    /// read by <c>go tool pprof</c>, Grafana Pyroscope (<c>/ingest?format=pprof</c>) and speedscope.
    /// <para>
    /// Sample types, in this order: <c>calls/count</c> (completed calls of the stack's last frame),
    /// <c>wall/nanoseconds</c>, <c>cpu/nanoseconds</c>, <c>alloc/bytes</c> (the stack's self values, so each type
    /// adds up to the profile's total); the default is wall. One location and one function per profiled function;
    /// stacks are leaf first. Every sample has a <c>request</c> label: the root function of its logical stack (the
    /// entry point the work came in through); a profile of an HTTP request adds <c>trace_id</c>, <c>http_method</c>,
    /// <c>http_route</c> and <c>http_status</c> to every sample. Stacks are those of <see cref="CallTreeFigures.Frames"/>: detached
    /// work is a stack of its own under a <c>[detached from F]</c> function and its samples carry a <c>detached</c>
    /// label naming F; deep recursion and very deep stacks are collapsed into marker functions
    /// (<c>[... N recursive frames collapsed]</c>). When the profile has a timeline, a node that ran on several threads is
    /// split into one sample per thread, labelled <c>thread</c> (name) and <c>thread_id</c>, its figures shared in
    /// proportion to the timeline: CPU by the thread CPU time of the node's own code, calls by where each call
    /// started, wall and allocations by running time.
    /// </para>
    /// <para>
    /// A profile with the wall split adds <c>running/nanoseconds</c>, <c>blocked/nanoseconds</c> and
    /// <c>suspended/nanoseconds</c> after those: the stack's self wall split (<see cref="WallSplit.OfSelf"/>), so the
    /// three add up to the wall samples.
    /// </para>
    /// </summary>
    public sealed class PprofExporter : IProfileExporter
    {
        public string Name => "pprof";
        public string FileExtension => ".pb.gz";

        /// <summary>The sample types written, in order.</summary>
        public static IReadOnlyList<(string Type, string Unit)> SampleTypes { get; } = new[]
        {
            ("calls", "count"), ("wall", "nanoseconds"), ("cpu", "nanoseconds"), ("alloc", "bytes"),
        };

        /// <summary>The sample types written for <paramref name="profile"/>, in order: the wall split's parts after <see cref="SampleTypes"/> when it has the split.</summary>
        public static IReadOnlyList<(string Type, string Unit)> SampleTypesOf(Profile profile) =>
            profile.HasWallSplit ? SampleTypes.Concat(WallSplit.PartsOf(profile).Select(p => (WallSplit.Key(p), "nanoseconds"))).ToArray() : SampleTypes;

        // profile.proto field numbers
        const int ProfileSampleType = 1, ProfileSample = 2, ProfileMapping = 3, ProfileLocation = 4, ProfileFunction = 5,
            ProfileStringTable = 6, ProfileTimeNanos = 9, ProfileDurationNanos = 10, ProfilePeriodType = 11, ProfilePeriod = 12,
            ProfileComment = 13, ProfileDefaultSampleType = 14;
        const int ValueTypeType = 1, ValueTypeUnit = 2;
        const int SampleLocationId = 1, SampleValue = 2, SampleLabel = 3;
        const int LabelKey = 1, LabelStr = 2, LabelNum = 3;
        const int MappingId = 1, MappingFilename = 5, MappingHasFunctions = 7, MappingHasFilenames = 8, MappingHasLineNumbers = 9;
        const int LocationId = 1, LocationMappingId = 2, LocationLine = 4;
        const int LineFunctionId = 1, LineLine = 2;
        const int FunctionId = 1, FunctionName = 2, FunctionSystemName = 3, FunctionFilename = 4, FunctionStartLine = 5;

        /// <summary>
        /// The labels every sample of a profiled HTTP request carries, so a profile can be found from a trace or a
        /// route: <c>trace_id</c>, <c>http_method</c>, <c>http_route</c> (strings) and <c>http_status</c> (a number).
        /// </summary>
        static List<(long Key, long Text, long Number)> RequestLabels(RequestInfo? request, Func<string?, long> s)
        {
            var labels = new List<(long, long, long)>();
            if (request == null) return labels;
            if (request.TraceId != null) labels.Add((s("trace_id"), s(request.TraceId), 0));
            if (request.Method != null) labels.Add((s("http_method"), s(request.Method), 0));
            if (request.Route != null) labels.Add((s("http_route"), s(request.Route), 0));
            if (request.Status is int status) labels.Add((s("http_status"), 0, status));
            return labels;
        }

        public void Export(Profile profile, Stream output)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            if (output == null) throw new ArgumentNullException(nameof(output));
            var bytes = Encode(profile);
            using var gz = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
            gz.Write(bytes, 0, bytes.Length);
        }

        /// <summary>The profile.proto message, before gzip.</summary>
        public static byte[] Encode(Profile profile)
        {
            var figures = CallTreeFigures.Of(profile);
            var strings = new List<string> { "" };
            var stringIndex = new Dictionary<string, long>(StringComparer.Ordinal) { [""] = 0 };
            long S(string? s)
            {
                s ??= "";
                if (stringIndex.TryGetValue(s, out var i)) return i;
                i = strings.Count;
                strings.Add(s);
                stringIndex[s] = i;
                return i;
            }

            var pb = new ProtobufWriter();
            var withSplit = profile.HasWallSplit;
            var parts = WallSplit.PartsOf(profile);
            foreach (var (type, unit) in SampleTypesOf(profile))
                pb.Message(ProfileSampleType, m => { m.Varint(ValueTypeType, S(type)); m.Varint(ValueTypeUnit, S(unit)); });

            // function / location ids: 1-based position in the profile's function list, then the markers
            // (detached lanes, collapsed frames) as functions of their own
            var pprofId = new Dictionary<long, long>();
            for (var i = 0; i < profile.Functions.Count; i++) pprofId[profile.Functions[i].Id] = i + 1;
            var markers = new List<string>();
            var markerId = new Dictionary<string, long>(StringComparer.Ordinal);
            long IdOf(CallFrame f)
            {
                if (f.Function != null) return pprofId[f.Function.Id];
                if (!markerId.TryGetValue(f.Name, out var id)) { markerId[f.Name] = id = profile.Functions.Count + markers.Count + 1; markers.Add(f.Name); }
                return id;
            }

            var split = ThreadSplit.From(profile);
            var kRequest = S("request");
            var kThread = S("thread");
            var kThreadId = S("thread_id");
            var kDetached = S("detached");
            var requestLabels = RequestLabels(profile.Request, S);
            var locationsOf = new Dictionary<CallFrame, long[]>();
            foreach (var frame in figures.FramesDepthFirst())
            {
                // leaf first: this frame, then its parent's stack
                var above = frame.Parent is { } parent && locationsOf.TryGetValue(parent, out var pl) ? pl : Array.Empty<long>();
                var locations = new long[above.Length + 1];
                locations[0] = IdOf(frame);
                above.CopyTo(locations, 1);
                if (frame.Children.Count > 0) locationsOf[frame] = locations;
                var values = new[] { frame.Calls, frame.SelfWallNs, frame.SelfCpuNs, frame.SelfAllocBytes };
                if (withSplit) values = values.Concat(parts.Select(p => frame.SelfSplit.Part(p))).ToArray();
                if (values.All(v => v == 0)) continue;
                // the entry point the work came in through, also for detached work (its lane's first node's root)
                var request = S(profile.Function(profile.CallTree.Root(frame.Nodes[0]).Function).Name);
                long? detachedFrom = frame.Lane is { } lane ? S(lane.DetachedFrom!.Name) : null;
                foreach (var (thread, threadValues) in split.Split(frame.Nodes, values))
                {
                    if (threadValues.All(v => v == 0)) continue;
                    pb.Message(ProfileSample, m =>
                    {
                        m.Packed(SampleLocationId, locations);
                        m.Packed(SampleValue, threadValues);
                        m.Message(SampleLabel, l => { l.Varint(LabelKey, kRequest); l.Varint(LabelStr, request); });
                        foreach (var (key, text, number) in requestLabels)
                            m.Message(SampleLabel, l => { l.Varint(LabelKey, key); if (text != 0) l.Varint(LabelStr, text); else l.Varint(LabelNum, number); });
                        if (detachedFrom is long from)
                            m.Message(SampleLabel, l => { l.Varint(LabelKey, kDetached); l.Varint(LabelStr, from); });
                        if (thread != null)
                        {
                            m.Message(SampleLabel, l => { l.Varint(LabelKey, kThread); l.Varint(LabelStr, S(thread.Name ?? $"thread {thread.Id}")); });
                            m.Message(SampleLabel, l => { l.Varint(LabelKey, kThreadId); l.Varint(LabelNum, thread.Id); });
                        }
                    });
                }
            }

            pb.Message(ProfileMapping, m =>
            {
                m.Varint(MappingId, 1);
                m.Varint(MappingFilename, S(profile.Process.Name ?? "asyncprof"));
                m.Bool(MappingHasFunctions, true);
                m.Bool(MappingHasFilenames, true);
                m.Bool(MappingHasLineNumbers, true);
            });
            foreach (var f in profile.Functions)
            {
                var id = pprofId[f.Id];
                pb.Message(ProfileLocation, m =>
                {
                    m.Varint(LocationId, id);
                    m.Varint(LocationMappingId, 1);
                    m.Message(LocationLine, l => { l.Varint(LineFunctionId, id); l.Varint(LineLine, f.Line); });
                });
            }
            foreach (var f in profile.Functions)
            {
                var id = pprofId[f.Id];
                pb.Message(ProfileFunction, m =>
                {
                    m.Varint(FunctionId, id);
                    m.Varint(FunctionName, S(f.Name));
                    m.Varint(FunctionSystemName, S(f.Name));
                    m.Varint(FunctionFilename, S(f.File));
                    m.Varint(FunctionStartLine, f.Line);
                });
            }
            for (var k = 0; k < markers.Count; k++)
            {
                var id = profile.Functions.Count + k + 1;
                var name = S(markers[k]);
                pb.Message(ProfileLocation, m =>
                {
                    m.Varint(LocationId, id);
                    m.Varint(LocationMappingId, 1);
                    m.Message(LocationLine, l => l.Varint(LineFunctionId, id));
                });
                pb.Message(ProfileFunction, m =>
                {
                    m.Varint(FunctionId, id);
                    m.Varint(FunctionName, name);
                    m.Varint(FunctionSystemName, name);
                });
            }

            if (profile.Process.StartedUtc is DateTimeOffset started)
                pb.Varint(ProfileTimeNanos, SaturatingMath.Multiply(started.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks, 100));
            pb.Varint(ProfileDurationNanos, profile.Process.DurationNs);
            pb.Message(ProfilePeriodType, m => { m.Varint(ValueTypeType, S("wall")); m.Varint(ValueTypeUnit, S("nanoseconds")); });
            pb.Varint(ProfilePeriod, 1);
            pb.Packed(ProfileComment, new[] { S($"asyncprof {ExporterInfo.Version}: instrumented, not sampled; self wall time of overlapping async calls is approximate") });
            pb.Varint(ProfileDefaultSampleType, S("wall"));
            // the string table goes last: everything above has interned its strings by now
            foreach (var s in strings) pb.String(ProfileStringTable, s);
            return pb.ToArray();
        }
    }
}
