using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using AsyncProf.Shared;

namespace AsyncProf.Reports
{
    /// <summary>
    /// Reads <c>asyncprof/1</c> files (docs/profile-schema.md). Every problem is reported as a
    /// <see cref="ProfileFormatException"/> whose message is one line naming the file and, for content problems, the
    /// JSON location (<c>functions[3].calls</c>). Unknown properties are ignored so newer writers stay readable.
    /// </summary>
    public static class ProfileReader
    {
        /// <summary>Largest file accepted: a profile is per call path, not per event, so anything bigger is not one.</summary>
        const long MaxFileBytes = 1L << 30;

        public static Profile Load(string path)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            if (Directory.Exists(path)) throw new ProfileFormatException(path, "is a directory, not a profile file");
            if (!File.Exists(path)) throw new ProfileFormatException(path, "no such file");
            byte[] bytes;
            try
            {
                var length = new FileInfo(path).Length;
                if (length > MaxFileBytes) throw new ProfileFormatException(path, $"too large for a profile ({length} bytes)");
                bytes = File.ReadAllBytes(path);
            }
            catch (IOException e) { throw new ProfileFormatException(path, "cannot read: " + OneLineText.Of(e.Message), e); }
            catch (UnauthorizedAccessException e) { throw new ProfileFormatException(path, "cannot read: " + OneLineText.Of(e.Message), e); }
            return Parse(bytes, path);
        }

        /// <summary>Reads a profile from its UTF-8 bytes; <paramref name="sourceName"/> names it in error messages.</summary>
        public static Profile Parse(ReadOnlyMemory<byte> utf8Json, string sourceName)
        {
            // A byte order mark is legal in a UTF-8 file (editors add one) but not in JSON: skip it.
            if (utf8Json.Length >= 3 && utf8Json.Span[0] == 0xEF && utf8Json.Span[1] == 0xBB && utf8Json.Span[2] == 0xBF)
                utf8Json = utf8Json.Slice(3);
            if (utf8Json.Length == 0) throw new ProfileFormatException(sourceName, "empty file, not a profile");
            if (JsonText.FindInvalidUtf8(utf8Json.Span) is string badText) throw new ProfileFormatException(sourceName, badText);
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException e)
            {
                var where = e.LineNumber is long line ? $" at line {line + 1}" : "";
                throw new ProfileFormatException(sourceName, $"not valid JSON{where}: {JsonText.Shown(OneLineText.Of(FirstSentence(e.Message)), 160)}", e);
            }
            using (doc)
            {
                JsonText.CheckPropertyNames(doc.RootElement, sourceName);
                return new Reader(sourceName).Read(doc.RootElement);
            }
        }

        public static Profile Parse(string json, string sourceName) =>
            Parse(System.Text.Encoding.UTF8.GetBytes(json), sourceName);

        static string FirstSentence(string message)
        {
            // System.Text.Json appends "Path: $ | LineNumber: 0 | BytePositionInLine: 1." to its messages.
            var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
            return cut > 0 ? message.Substring(0, cut).TrimEnd('.', ' ') : message.TrimEnd('.', ' ');
        }


        sealed class Reader : JsonFieldReader
        {
            public Reader(string source) : base(source) { }

            public Profile Read(JsonElement root)
            {
                if (root.ValueKind != JsonValueKind.Object)
                    throw Fail($"not an asyncprof profile (the JSON is {Describe(root)}, expected an object with \"schema\": \"{Profile.SchemaId}\")");
                if (!root.TryGetProperty("schema", out var schema))
                    throw Fail($"not an asyncprof profile (no \"schema\" property; expected \"{Profile.SchemaId}\")");
                if (schema.ValueKind != JsonValueKind.String)
                    throw Fail($"schema: expected a string, got {Describe(schema)}");
                var schemaId = JsonText.GetString(schema, Source, "schema");
                if (schemaId != Profile.SchemaId)
                {
                    if (schemaId != null && schemaId.StartsWith("asyncprof/", StringComparison.Ordinal))
                        throw Fail($"unsupported schema \"{JsonText.Shown(schemaId)}\" (this version reads {Profile.SchemaId})");
                    throw Fail($"not an asyncprof profile (schema \"{JsonText.Shown(schemaId ?? "")}\", expected \"{Profile.SchemaId}\")");
                }

                var process = ReadProcess(Required(root, "process", "", JsonValueKind.Object));

                var functions = new List<FunctionStats>();
                var functionIds = new HashSet<long>();
                foreach (var (e, at) in RequiredObjects(root, "functions"))
                {
                    var f = new FunctionStats
                    {
                        Id = Int(e, "id", at),
                        Name = String(e, "name", at),
                        Kind = String(e, "kind", at),
                        Module = OptionalString(e, "module", at),
                        File = OptionalString(e, "file", at),
                        Line = (int)OptionalInt(e, "line", at, min: 0, max: int.MaxValue),
                        Calls = Count(e, "calls", at),
                        InFlight = Count(e, "inFlight", at),
                        Faults = Count(e, "faults", at),
                        Suspends = Count(e, "suspends", at),
                        WallNs = Count(e, "wallNs", at),
                        CpuNs = Count(e, "cpuNs", at),
                        SelfCpuNs = Count(e, "selfCpuNs", at),
                        AllocBytes = Count(e, "allocBytes", at),
                        SelfAllocBytes = Count(e, "selfAllocBytes", at),
                        Detached = OptionalInt(e, "detached", at, 0, long.MaxValue),
                        Unobserved = OptionalInt(e, "unobserved", at, 0, long.MaxValue),
                        RunningNs = OptionalInt(e, "runningNs", at, 0, long.MaxValue),
                        BlockedNs = OptionalInt(e, "blockedNs", at, 0, long.MaxValue),
                        SuspendedNs = OptionalInt(e, "suspendedNs", at, 0, long.MaxValue),
                        QueuedNs = OptionalInt(e, "queuedNs", at, 0, long.MaxValue),
                        HasQueuedField = e.TryGetProperty("queuedNs", out _),
                        GcNs = OptionalInt(e, "gcNs", at, 0, long.MaxValue),
                        SelfGcNs = OptionalInt(e, "selfGcNs", at, 0, long.MaxValue),
                        HasWallSplit = HasWallSplit(e),
                        HasGcFields = e.TryGetProperty("gcNs", out _),
                        CriticalCount = OptionalInt(e, "criticalCount", at, 0, long.MaxValue),
                        CriticalNs = OptionalInt(e, "criticalNs", at, 0, long.MaxValue),
                    };
                    if (f.Name.Length == 0) throw Fail($"{at}.name: empty");
                    if (!functionIds.Add(f.Id)) throw Fail($"{at}.id: duplicate function id {f.Id}");
                    functions.Add(f);
                }

                var edges = new List<EdgeStats>();
                foreach (var (e, at) in RequiredObjects(root, "edges"))
                {
                    var edge = new EdgeStats
                    {
                        Caller = NullableInt(e, "caller", at),
                        Callee = Int(e, "callee", at),
                        Calls = Count(e, "calls", at),
                        WallNs = Count(e, "wallNs", at),
                        CpuNs = Count(e, "cpuNs", at),
                        AllocBytes = Count(e, "allocBytes", at),
                    };
                    if (edge.Caller is long c && !functionIds.Contains(c)) throw Fail($"{at}.caller: no function with id {c}");
                    if (!functionIds.Contains(edge.Callee)) throw Fail($"{at}.callee: no function with id {edge.Callee}");
                    edges.Add(edge);
                }

                var tree = new List<CallTreeNode>();
                var nodeIds = new HashSet<long>();
                foreach (var (e, at) in RequiredObjects(root, "tree"))
                {
                    var node = new CallTreeNode
                    {
                        Id = Int(e, "id", at),
                        Parent = NullableInt(e, "parent", at),
                        Function = Int(e, "function", at),
                        Calls = Count(e, "calls", at),
                        InFlight = Count(e, "inFlight", at),
                        Faults = Count(e, "faults", at),
                        Suspends = Count(e, "suspends", at),
                        WallNs = Count(e, "wallNs", at),
                        CpuNs = Count(e, "cpuNs", at),
                        SelfCpuNs = Count(e, "selfCpuNs", at),
                        AllocBytes = Count(e, "allocBytes", at),
                        SelfAllocBytes = Count(e, "selfAllocBytes", at),
                        Detached = OptionalInt(e, "detached", at, 0, long.MaxValue),
                        Unobserved = OptionalInt(e, "unobserved", at, 0, long.MaxValue),
                        RunningNs = OptionalInt(e, "runningNs", at, 0, long.MaxValue),
                        BlockedNs = OptionalInt(e, "blockedNs", at, 0, long.MaxValue),
                        SuspendedNs = OptionalInt(e, "suspendedNs", at, 0, long.MaxValue),
                        QueuedNs = OptionalInt(e, "queuedNs", at, 0, long.MaxValue),
                        HasQueuedField = e.TryGetProperty("queuedNs", out _),
                        GcNs = OptionalInt(e, "gcNs", at, 0, long.MaxValue),
                        SelfGcNs = OptionalInt(e, "selfGcNs", at, 0, long.MaxValue),
                        HasWallSplit = HasWallSplit(e),
                        HasGcFields = e.TryGetProperty("gcNs", out _),
                        CriticalCount = OptionalInt(e, "criticalCount", at, 0, long.MaxValue),
                        CriticalNs = OptionalInt(e, "criticalNs", at, 0, long.MaxValue),
                    };
                    if (!functionIds.Contains(node.Function)) throw Fail($"{at}.function: no function with id {node.Function}");
                    if (node.Parent is long p && !nodeIds.Contains(p))
                        throw Fail($"{at}.parent: no earlier node with id {p} (a parent must be listed before its children)");
                    if (!nodeIds.Add(node.Id)) throw Fail($"{at}.id: duplicate node id {node.Id}");
                    tree.Add(node);
                }

                var timeline = new TimelineReader(Source).ReadOptional(root, functions, tree);
                return new Profile(process, functions, edges, tree, timeline, Source) { Request = ReadRequest(root), BlockingSites = ReadBlocking(root, functionIds) };
            }

            /// <summary>The optional <c>blocking</c> section (added to asyncprof/1 later).</summary>
            List<BlockingSite> ReadBlocking(JsonElement root, HashSet<long> functionIds)
            {
                var sites = new List<BlockingSite>();
                if (!root.TryGetProperty("blocking", out var b) || b.ValueKind == JsonValueKind.Null) return sites;
                if (b.ValueKind != JsonValueKind.Array) throw Fail($"blocking: expected an array, got {Describe(b)}");
                foreach (var (e, at) in Objects(b.EnumerateArray(), "blocking"))
                {
                    long? function = e.TryGetProperty("function", out var fn) && fn.ValueKind != JsonValueKind.Null ? AsInt(fn, at + ".function") : null;
                    if (function is long id && !functionIds.Contains(id)) throw Fail($"{at}.function: no function with id {id}");
                    sites.Add(new BlockingSite
                    {
                        Function = function,
                        Name = String(e, "name", at),
                        Call = String(e, "call", at),
                        File = OptionalString(e, "file", at),
                        Line = (int)OptionalInt(e, "line", at, 0, int.MaxValue),
                        Count = Count(e, "count", at),
                        BlockedNs = Count(e, "blockedNs", at),
                        MaxNs = Count(e, "maxNs", at),
                        PoolThreadCount = OptionalInt(e, "poolThreadCount", at, 0, long.MaxValue),
                        PoolThreadNs = OptionalInt(e, "poolThreadNs", at, 0, long.MaxValue),
                    });
                }
                return sites;
            }

            ProbeCalibrationInfo? ReadCalibration(JsonElement pc, string at)
            {
                if (!pc.TryGetProperty("calibration", out var c) || c.ValueKind == JsonValueKind.Null) return null;
                at += ".calibration";
                RequireObject(c, at);
                return new ProbeCalibrationInfo
                {
                    InsideNs = OptionalNonNegative(c, "insideNs", at),
                    OutsideNs = OptionalNonNegative(c, "outsideNs", at),
                    EnterTailNs = OptionalNonNegative(c, "enterTailNs", at),
                    ExitTailNs = OptionalNonNegative(c, "exitTailNs", at),
                };
            }

            ProbeInPlaceInfo? ReadInPlace(JsonElement pc, string at)
            {
                if (!pc.TryGetProperty("inPlace", out var i) || i.ValueKind == JsonValueKind.Null) return null;
                at += ".inPlace";
                RequireObject(i, at);
                return new ProbeInPlaceInfo
                {
                    Events = Count(i, "events", at),
                    EnterTailNs = OptionalNonNegative(i, "enterTailNs", at),
                    ExitTailNs = OptionalNonNegative(i, "exitTailNs", at),
                };
            }

            ProcessInfo ReadProcess(JsonElement p)
            {
                const string at = "process";
                CpuClockInfo? clock = null;
                if (p.TryGetProperty("cpuClock", out var c) && c.ValueKind != JsonValueKind.Null)
                {
                    RequireObject(c, at + ".cpuClock");
                    clock = new CpuClockInfo
                    {
                        Scheme = OptionalString(c, "scheme", at + ".cpuClock"),
                        WindowNs = OptionalInt(c, "windowNs", at + ".cpuClock", 0, long.MaxValue),
                    };
                }
                ProbeCorrectionInfo? correction = null;
                if (p.TryGetProperty("probeCorrection", out var pc) && pc.ValueKind != JsonValueKind.Null)
                {
                    RequireObject(pc, at + ".probeCorrection");
                    correction = new ProbeCorrectionInfo
                    {
                        InsideNs = OptionalNonNegative(pc, "insideNs", at + ".probeCorrection"),
                        OutsideNs = OptionalNonNegative(pc, "outsideNs", at + ".probeCorrection"),
                        ErrorNs = OptionalNonNegative(pc, "errorNs", at + ".probeCorrection"),
                        SubtractedWallNs = OptionalInt(pc, "subtractedWallNs", at + ".probeCorrection", 0, long.MaxValue),
                        Rounds = OptionalCount(pc, "rounds", at + ".probeCorrection"),
                        CallsPerRound = OptionalCount(pc, "callsPerRound", at + ".probeCorrection"),
                        Calibration = ReadCalibration(pc, at + ".probeCorrection"),
                        InPlace = ReadInPlace(pc, at + ".probeCorrection"),
                    };
                }
                DateTimeOffset? started = null;
                var startedText = OptionalString(p, "startedUtc", at);
                if (startedText != null)
                {
                    if (!DateTimeOffset.TryParse(startedText, CultureInfo.InvariantCulture,
                            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var s))
                        throw Fail($"{at}.startedUtc: not a date and time: \"{JsonText.Shown(startedText)}\"");
                    started = s;
                }
                return new ProcessInfo
                {
                    Name = OptionalString(p, "name", at),
                    Pid = (int)OptionalInt(p, "pid", at, 0, int.MaxValue),
                    CommandLine = OptionalString(p, "commandLine", at),
                    Runtime = OptionalString(p, "runtime", at),
                    OS = OptionalString(p, "os", at),
                    ProcessorCount = (int)OptionalInt(p, "processorCount", at, 0, int.MaxValue),
                    StartedUtc = started,
                    DurationNs = OptionalInt(p, "durationNs", at, 0, long.MaxValue),
                    CpuClock = clock,
                    Clock = OptionalString(p, "clock", at),
                    ProbeCorrection = correction,
                    Error = OptionalString(p, "error", at),
                };
            }

            /// <summary>The optional <c>request</c> object (added after asyncprof/1 first shipped: older files have none).</summary>
            RequestInfo? ReadRequest(JsonElement root)
            {
                const string at = "request";
                if (!root.TryGetProperty(at, out var r) || r.ValueKind == JsonValueKind.Null) return null;
                RequireObject(r, at);
                var traceId = OptionalString(r, "traceId", at);
                if (traceId != null && (traceId.Length != 32 || !traceId.All(Uri.IsHexDigit)))
                    throw Fail($"{at}.traceId: not a W3C trace id (32 hex digits): \"{JsonText.Shown(traceId)}\"");
                return new RequestInfo
                {
                    ProfileId = OptionalString(r, "profileId", at),
                    Method = OptionalString(r, "method", at),
                    Path = OptionalString(r, "path", at),
                    Route = OptionalString(r, "route", at),
                    Status = r.TryGetProperty("status", out var s) && s.ValueKind != JsonValueKind.Null ? (int)OptionalInt(r, "status", at, 0, 999) : null,
                    DurationNs = r.TryGetProperty("durationNs", out var d) && d.ValueKind != JsonValueKind.Null ? OptionalInt(r, "durationNs", at, 0, long.MaxValue) : null,
                    TraceId = traceId,
                };
            }
        }
    }
}
