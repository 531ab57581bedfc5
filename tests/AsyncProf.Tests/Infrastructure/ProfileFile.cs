using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace AsyncProf.Tests.Infrastructure
{
    /// <summary>
    /// The tests' own reader of asyncprof/1 files, written against docs/profile-schema.md and independent of the
    /// product's reader, so a bug in one does not hide a bug in the other.
    /// </summary>
    public sealed class ProfileFile
    {
        public string Path { get; }
        public JsonElement RootElement { get; }
        public IReadOnlyList<ProfiledFunction> Functions { get; }
        public IReadOnlyList<ProfiledEdge> Edges { get; }
        public IReadOnlyList<ProfiledNode> Tree { get; }

        ProfileFile(string path, JsonDocument doc)
        {
            Path = path;
            RootElement = doc.RootElement;
            Functions = RootElement.GetProperty("functions").EnumerateArray().Select(ProfiledFunction.From).ToList();
            Edges = RootElement.GetProperty("edges").EnumerateArray().Select(ProfiledEdge.From).ToList();
            Tree = RootElement.GetProperty("tree").EnumerateArray().Select(ProfiledNode.From).ToList();
        }

        public static ProfileFile Load(string path)
        {
            var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var schema = doc.RootElement.GetProperty("schema").GetString();
            if (schema != "asyncprof/1") throw new InvalidDataException($"{path}: schema {schema}");
            return new ProfileFile(path, doc);
        }

        /// <summary>The function with this exact display name; fails listing what exists when absent.</summary>
        public ProfiledFunction Function(string name) =>
            FindFunction(name) ?? throw new KeyNotFoundException(
                $"no function '{name}' in {Path}; it has:\n  " + string.Join("\n  ", Functions.Select(f => f.Name).OrderBy(n => n)));

        public ProfiledFunction? FindFunction(string name) => Functions.FirstOrDefault(f => f.Name == name);

        public ProfiledFunction FunctionById(long id) => Functions.Single(f => f.Id == id);

        /// <summary>Edges into <paramref name="callee"/> from <paramref name="caller"/> (null: roots).</summary>
        public ProfiledEdge? Edge(string? caller, string callee)
        {
            var calleeId = Function(callee).Id;
            long? callerId = caller == null ? null : Function(caller).Id;
            return Edges.FirstOrDefault(e => e.Callee == calleeId && e.Caller == callerId);
        }

        public IEnumerable<ProfiledNode> NodesOf(string name)
        {
            var id = Function(name).Id;
            return Tree.Where(n => n.Function == id);
        }

        public ProfiledNode? Parent(ProfiledNode node) => node.Parent == null ? null : Tree.Single(n => n.Id == node.Parent);
    }

    public sealed record ProfiledFunction(long Id, string Name, string Kind, string? File, int Line, long Calls, long InFlight,
        long Faults, long Suspends, long WallNs, long CpuNs, long SelfCpuNs, long AllocBytes, long SelfAllocBytes,
        long Detached = 0, long Unobserved = 0, long RunningNs = 0, long BlockedNs = 0, long SuspendedNs = 0, long GcNs = 0, long SelfGcNs = 0, long QueuedNs = 0)
    {
        internal static ProfiledFunction From(JsonElement e) => new(
            e.GetProperty("id").GetInt64(), e.GetProperty("name").GetString()!, e.GetProperty("kind").GetString()!,
            e.GetProperty("file").ValueKind == JsonValueKind.Null ? null : e.GetProperty("file").GetString(),
            e.GetProperty("line").GetInt32(), e.GetProperty("calls").GetInt64(), e.GetProperty("inFlight").GetInt64(),
            e.GetProperty("faults").GetInt64(), e.GetProperty("suspends").GetInt64(), e.GetProperty("wallNs").GetInt64(),
            e.GetProperty("cpuNs").GetInt64(), e.GetProperty("selfCpuNs").GetInt64(), e.GetProperty("allocBytes").GetInt64(),
            e.GetProperty("selfAllocBytes").GetInt64(), Optional(e, "detached"), Optional(e, "unobserved"),
            Optional(e, "runningNs"), Optional(e, "blockedNs"), Optional(e, "suspendedNs"), Optional(e, "gcNs"), Optional(e, "selfGcNs"), Optional(e, "queuedNs"));

        /// <summary>Fields added to asyncprof/1 later: 0 when a file does not have them.</summary>
        internal static long Optional(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetInt64() : 0;

        public double WallMsPerCall => Calls == 0 ? 0 : WallNs / 1e6 / Calls;
        public double CpuMsPerCall => Calls == 0 ? 0 : CpuNs / 1e6 / Calls;
    }

    public sealed record ProfiledEdge(long? Caller, long Callee, long Calls, long WallNs, long CpuNs, long AllocBytes)
    {
        internal static ProfiledEdge From(JsonElement e) => new(
            e.GetProperty("caller").ValueKind == JsonValueKind.Null ? null : e.GetProperty("caller").GetInt64(),
            e.GetProperty("callee").GetInt64(), e.GetProperty("calls").GetInt64(), e.GetProperty("wallNs").GetInt64(),
            e.GetProperty("cpuNs").GetInt64(), e.GetProperty("allocBytes").GetInt64());
    }

    public sealed record ProfiledNode(long Id, long? Parent, long Function, long Calls, long InFlight, long Faults, long Suspends,
        long WallNs, long CpuNs, long SelfCpuNs, long AllocBytes, long SelfAllocBytes, long Detached = 0, long Unobserved = 0,
        long RunningNs = 0, long BlockedNs = 0, long SuspendedNs = 0, long GcNs = 0, long SelfGcNs = 0, long QueuedNs = 0)
    {
        /// <summary>Some of its calls outlived their caller's call: not part of the caller's inclusive figures.</summary>
        public bool IsDetached => Detached > 0;

        internal static ProfiledNode From(JsonElement e) => new(
            e.GetProperty("id").GetInt64(),
            e.GetProperty("parent").ValueKind == JsonValueKind.Null ? null : e.GetProperty("parent").GetInt64(),
            e.GetProperty("function").GetInt64(), e.GetProperty("calls").GetInt64(), e.GetProperty("inFlight").GetInt64(),
            e.GetProperty("faults").GetInt64(), e.GetProperty("suspends").GetInt64(), e.GetProperty("wallNs").GetInt64(),
            e.GetProperty("cpuNs").GetInt64(), e.GetProperty("selfCpuNs").GetInt64(), e.GetProperty("allocBytes").GetInt64(),
            e.GetProperty("selfAllocBytes").GetInt64(), ProfiledFunction.Optional(e, "detached"), ProfiledFunction.Optional(e, "unobserved"),
            ProfiledFunction.Optional(e, "runningNs"), ProfiledFunction.Optional(e, "blockedNs"), ProfiledFunction.Optional(e, "suspendedNs"),
            ProfiledFunction.Optional(e, "gcNs"), ProfiledFunction.Optional(e, "selfGcNs"), ProfiledFunction.Optional(e, "queuedNs"));
    }
}
