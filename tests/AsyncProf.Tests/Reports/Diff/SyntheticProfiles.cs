using System.Collections.Generic;
using System.Linq;
using AsyncProf.Reports;

namespace AsyncProf.Tests.Reports.Diff
{
    /// <summary>
    /// Profiles built in code for the diff tests: a tree of nodes given as (path, calls, wall, self CPU, self alloc),
    /// the inclusive CPU and allocations summed up the tree, the functions summed over their nodes as the schema says
    /// (no recursion here, so every node is outermost).
    /// </summary>
    static class SyntheticProfiles
    {
        /// <summary>A node; with any of <paramref name="RunningNs"/>, <paramref name="BlockedNs"/>, <paramref name="SuspendedNs"/> on any node, the profile has the wall split.</summary>
        public sealed record Node(string Path, long Calls, long WallNs, long SelfCpuNs = 0, long SelfAllocBytes = 0, long Detached = 0,
            long RunningNs = 0, long BlockedNs = 0, long SuspendedNs = 0, long Suspends = 0, long CriticalCount = 0, long CriticalNs = 0, long GcNs = 0, long SelfGcNs = 0, long QueuedNs = 0);

        /// <summary><paramref name="nodes"/> list a parent before its children; a path is "A>B>C".</summary>
        public static Profile Make(string name, params Node[] nodes)
        {
            var split = nodes.Any(n => n.RunningNs + n.BlockedNs + n.SuspendedNs > 0);
            var ids = new Dictionary<string, long>();
            var functionIds = new Dictionary<string, long>();
            foreach (var n in nodes)
            {
                ids[n.Path] = ids.Count + 1;
                var fn = Leaf(n.Path);
                if (!functionIds.ContainsKey(fn)) functionIds[fn] = functionIds.Count + 1;
            }
            long Inclusive(Node n, System.Func<Node, long> self) =>
                self(n) + nodes.Where(c => ParentPath(c.Path) == n.Path && c.Detached == 0).Sum(c => Inclusive(c, self));

            var tree = nodes.Select(n => new CallTreeNode
            {
                Id = ids[n.Path],
                Parent = ParentPath(n.Path) is string p ? ids[p] : null,
                Function = functionIds[Leaf(n.Path)],
                Calls = n.Calls,
                WallNs = n.WallNs,
                SelfCpuNs = n.SelfCpuNs,
                CpuNs = Inclusive(n, x => x.SelfCpuNs),
                SelfAllocBytes = n.SelfAllocBytes,
                AllocBytes = Inclusive(n, x => x.SelfAllocBytes),
                Detached = n.Detached,
                RunningNs = n.RunningNs, BlockedNs = n.BlockedNs, SuspendedNs = n.SuspendedNs, HasWallSplit = split,
                Suspends = n.Suspends, CriticalCount = n.CriticalCount, CriticalNs = n.CriticalNs, GcNs = n.GcNs, SelfGcNs = n.SelfGcNs, QueuedNs = n.QueuedNs,
            }).ToList();
            var functions = functionIds.Select(kv =>
            {
                var mine = tree.Where(t => t.Function == kv.Value).ToList();
                return new FunctionStats
                {
                    Id = kv.Value, Name = kv.Key, Kind = "async",
                    Calls = mine.Sum(t => t.Calls), WallNs = mine.Sum(t => t.WallNs), CpuNs = mine.Sum(t => t.CpuNs),
                    SelfCpuNs = mine.Sum(t => t.SelfCpuNs), AllocBytes = mine.Sum(t => t.AllocBytes), SelfAllocBytes = mine.Sum(t => t.SelfAllocBytes),
                    Detached = mine.Sum(t => t.Detached),
                    RunningNs = mine.Sum(t => t.RunningNs), BlockedNs = mine.Sum(t => t.BlockedNs), SuspendedNs = mine.Sum(t => t.SuspendedNs),
                    Suspends = mine.Sum(t => t.Suspends), CriticalCount = mine.Sum(t => t.CriticalCount), CriticalNs = mine.Sum(t => t.CriticalNs),
                    HasWallSplit = split, GcNs = mine.Sum(t => t.GcNs), SelfGcNs = mine.Sum(t => t.SelfGcNs), QueuedNs = mine.Sum(t => t.QueuedNs),
                };
            }).ToList();
            return new Profile(new ProcessInfo { Name = name, Pid = 1 }, functions, new List<EdgeStats>(), tree, name + ".json");
        }

        static string Leaf(string path) => path.Substring(path.LastIndexOf('>') + 1);
        static string? ParentPath(string path) => path.LastIndexOf('>') is var i && i < 0 ? null : path.Substring(0, i);

        const long Ms = 1_000_000;

        /// <summary>
        /// Main → Handle → Fetch, 100 ms of it waiting: awaiting (suspended) or, with <paramref name="blocks"/>,
        /// blocking its thread (sync over async): the same wall time, split otherwise.
        /// </summary>
        public static Profile Waiting(string name, bool blocks)
        {
            long suspended = blocks ? 0 : 99 * Ms, blocked = blocks ? 99 * Ms : 0;
            return Make(name,
                new Node("Main", 1, 102 * Ms, SelfCpuNs: 1 * Ms, RunningNs: 3 * Ms, BlockedNs: blocked, SuspendedNs: suspended),
                new Node("Main>Handle", 1, 101 * Ms, SelfCpuNs: 1 * Ms, RunningNs: 2 * Ms, BlockedNs: blocked, SuspendedNs: suspended),
                new Node("Main>Handle>Fetch", 1, 100 * Ms, SelfCpuNs: 1 * Ms, RunningNs: 1 * Ms, BlockedNs: blocked, SuspendedNs: suspended));
        }

        /// <summary>Main → Run → (Parse, Transform, Save), in milliseconds: Transform takes <paramref name="transformMs"/>, its callers grow with it.</summary>
        public static Profile Pipeline(string name, long transformMs, long parseMs = 60, long saveMs = 60, long parseAlloc = 1000)
        {
            var run = (parseMs + transformMs + saveMs) * Ms;
            return Make(name,
                new Node("Main", 1, run + 1 * Ms, SelfCpuNs: 1 * Ms),
                new Node("Main>Run", 1, run),
                new Node("Main>Run>Parse", 3, parseMs * Ms, SelfCpuNs: parseMs * Ms, SelfAllocBytes: parseAlloc),
                new Node("Main>Run>Transform", 3, transformMs * Ms, SelfCpuNs: transformMs * Ms),
                new Node("Main>Run>Save", 3, saveMs * Ms, SelfCpuNs: 1 * Ms));
        }
    }
}
