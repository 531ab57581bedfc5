using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;

namespace AsyncProf.Tests.Infrastructure
{
    /// <summary>
    /// Relations every profile of code that does one thing at a time must satisfy (issue 7), whatever the code. Each
    /// check returns its failures (empty when it holds), each naming the function or node and its figures, so one
    /// test shows them all. Read with the tests' own reader (<see cref="ProfileFile"/>; <c>detached</c> and
    /// <c>unobserved</c> count as 0 when a file lacks them).
    ///
    /// (a) <see cref="CpuAboveWallFailures"/>: every function with completed calls and none in flight has inclusive
    ///     CPU &lt;= inclusive wall + <see cref="CpuToleranceNs"/>. Sequential code cannot burn more CPU than the time
    ///     it took; a function with calls in flight is skipped (their CPU is recorded, their wall is not).
    /// (b) <see cref="ChildWallFailures"/>: for each tree node P and child node C, wall(C) &lt;= wall(P), exactly,
    ///     when the two sums cover comparable calls: P has completed calls and none in flight (else C's completed calls
    ///     may lie inside P's uncounted ones), and C is not detached (detached &gt; 0: its calls may end after P's).
    ///     Then every counted call of C lies inside a counted call of P, and in sequential code the calls of C within
    ///     one call of P do not overlap, so their walls add up to at most P's. (Concurrent calls of one child node,
    ///     such as a WhenAll over the same method, can legitimately break this: do not apply it to such code.)
    /// (c) <see cref="CallAccountingFailures"/>: calls = completed + faulted + in flight, nothing lost between the
    ///     tree, the functions and the edges: per node 0 &lt;= faults &lt;= calls, detached &lt;= calls + inFlight, no
    ///     wall without a completed call, queued within suspended; per function calls, inFlight, faults, suspends, detached, unobserved equal
    ///     the sums over its nodes; the edges into a function carry all its calls; every parent exists and comes first.
    /// (d) <see cref="InclusiveSumFailures"/>: per node, cpuNs = selfCpuNs + the cpuNs of its children that are not
    ///     detached, and the same for allocations (docs/profile-schema.md), exactly; so self &lt;= inclusive.
    /// (e) <see cref="FunctionTotalFailures"/>: per function, selfCpuNs and selfAllocBytes are the sums over its nodes,
    ///     wallNs, cpuNs and allocBytes the sums over its outermost nodes (no ancestor of the same function within
    ///     their lane; a detached node starts a lane), exactly.
    /// (f) <see cref="LeafCpuAboveWallFailures"/>: a tree leaf with completed calls has CPU &lt;= wall +
    ///     <see cref="LeafCpuToleranceNs"/>: (a) per node, for leaves, whose CPU no child can have moved.
    /// (a) and (b) hold for code that does one thing at a time only: a caller whose code runs concurrently names the
    /// functions that do so by design, and (a) leaves them out (<see cref="CpuAboveWallFailures(ProfileFile, IReadOnlyCollection{string})"/>).
    /// </summary>
    public static class ProfileInvariants
    {
        /// <summary>
        /// How far inclusive CPU may exceed wall: 1 ms + 5% of the wall. docs/profile-schema.md ("Accuracy of CPU
        /// time") bounds the CPU attribution error by what a thread's last window holds (under 50 µs of profiled time
        /// per thread) plus CPU moved between neighbours across blocks shorter than 50 µs; 1 ms covers the first for
        /// a handful of threads, 5% the second for code that blocks briefly and often.
        /// </summary>
        public static long CpuToleranceNs(long wallNs) => 1_000_000 + wallNs / 20;

        /// <summary>Every check, as one assertion listing every failure.</summary>
        public static void AssertHold(ProfileFile profile)
        {
            var failures = CpuAboveWallFailures(profile).Concat(ChildWallFailures(profile)).Concat(CallAccountingFailures(profile)).ToList();
            Assert.That(failures, Is.Empty, $"{profile.Path}: {failures.Count} invariant failures:\n  " + string.Join("\n  ", failures));
        }

        /// <summary>How far a leaf's CPU may exceed its wall in (f): 1 ms, the last window a thread may still hold.</summary>
        public const long LeafCpuToleranceNs = 1_000_000;

        public static IReadOnlyList<string> CpuAboveWallFailures(ProfileFile profile) => CpuAboveWallFailures(profile, Array.Empty<string>());

        /// <summary>(a), leaving out the functions named in <paramref name="concurrentByDesign"/> (they run work beside their own).</summary>
        public static IReadOnlyList<string> CpuAboveWallFailures(ProfileFile profile, IReadOnlyCollection<string> concurrentByDesign) =>
            profile.Functions
                .Where(f => f.Calls > 0 && f.InFlight == 0 && f.CpuNs > f.WallNs + CpuToleranceNs(f.WallNs))
                .Where(f => !concurrentByDesign.Contains(f.Name))
                .OrderByDescending(f => f.CpuNs - f.WallNs)
                .Select(f => $"(a) {f.Name} [{f.Kind}]: CPU {Ms(f.CpuNs)} > wall {Ms(f.WallNs)} over {f.Calls} calls " +
                             $"(tolerance {Ms(CpuToleranceNs(f.WallNs))})")
                .ToList();

        public static IReadOnlyList<string> ChildWallFailures(ProfileFile profile)
        {
            var byId = profile.Tree.ToDictionary(n => n.Id);
            var failures = new List<(long Excess, string Text)>();
            foreach (var child in profile.Tree)
            {
                if (child.Parent is not long parentId || !byId.TryGetValue(parentId, out var parent)) continue;
                if (parent.Calls == 0 || parent.InFlight > 0 || child.IsDetached) continue;
                if (child.WallNs <= parent.WallNs) continue;
                var p = profile.FunctionById(parent.Function);
                var c = profile.FunctionById(child.Function);
                failures.Add((child.WallNs - parent.WallNs,
                    $"(b) node {child.Id} {c.Name} [{c.Kind}]: wall {Ms(child.WallNs)} over {child.Calls} calls > its parent's, " +
                    $"node {parent.Id} {p.Name} [{p.Kind}]: wall {Ms(parent.WallNs)} over {parent.Calls} calls"));
            }
            return failures.OrderByDescending(f => f.Excess).Select(f => f.Text).ToList();
        }

        public static IReadOnlyList<string> CallAccountingFailures(ProfileFile profile)
        {
            var failures = new List<string>();
            var functionIds = profile.Functions.Select(f => f.Id).ToHashSet();

            var seen = new HashSet<long>();
            foreach (var n in profile.Tree)
            {
                var name = functionIds.Contains(n.Function) ? profile.FunctionById(n.Function).Name : $"function {n.Function} (missing)";
                var where = $"(c) node {n.Id} {name}";
                if (!functionIds.Contains(n.Function)) failures.Add($"{where}: its function is not in 'functions'");
                if (n.Parent is long parent && !seen.Contains(parent)) failures.Add($"{where}: parent {parent} is not listed before it");
                seen.Add(n.Id);
                if (n.Calls < 0 || n.InFlight < 0 || n.Faults < 0) failures.Add($"{where}: negative count (calls {n.Calls}, inFlight {n.InFlight}, faults {n.Faults})");
                if (n.Faults > n.Calls) failures.Add($"{where}: {n.Faults} faults > {n.Calls} completed calls");
                if (n.Detached < 0 || n.Detached > n.Calls + n.InFlight)
                    failures.Add($"{where}: detached {n.Detached} outside 0..calls + inFlight ({n.Calls + n.InFlight})");
                if (n.Unobserved < 0 || n.Unobserved > n.Calls) failures.Add($"{where}: unobserved {n.Unobserved} outside 0..calls ({n.Calls})");
                if (n.Calls == 0 && n.WallNs != 0) failures.Add($"{where}: wall {Ms(n.WallNs)} without a completed call");
                if (n.QueuedNs < 0 || n.QueuedNs > n.SuspendedNs) failures.Add($"{where}: queued {Ms(n.QueuedNs)} outside 0..suspended ({Ms(n.SuspendedNs)})");
            }

            var nodesOf = profile.Tree.ToLookup(n => n.Function);
            var edgeCalls = profile.Edges.GroupBy(e => e.Callee).ToDictionary(g => g.Key, g => g.Sum(e => e.Calls));
            foreach (var f in profile.Functions)
            {
                var nodes = nodesOf[f.Id].ToList();
                var where = $"(c) {f.Name}";
                if (nodes.Count == 0) { failures.Add($"{where}: no tree node"); continue; }
                void Sum(string field, long value, long sum)
                {
                    if (value != sum) failures.Add($"{where}: {field} {value}, but its nodes add up to {sum}");
                }
                Sum("calls", f.Calls, nodes.Sum(n => n.Calls));
                Sum("inFlight", f.InFlight, nodes.Sum(n => n.InFlight));
                Sum("faults", f.Faults, nodes.Sum(n => n.Faults));
                Sum("suspends", f.Suspends, nodes.Sum(n => n.Suspends));
                Sum("detached", f.Detached, nodes.Sum(n => n.Detached));
                Sum("unobserved", f.Unobserved, nodes.Sum(n => n.Unobserved));
                var overEdges = edgeCalls.GetValueOrDefault(f.Id);
                if (overEdges != f.Calls) failures.Add($"{where}: calls {f.Calls}, but the edges into it carry {overEdges}");
            }
            return failures;
        }

        public static IReadOnlyList<string> InclusiveSumFailures(ProfileFile profile)
        {
            var failures = new List<string>();
            var childrenOf = profile.Tree.Where(c => !c.IsDetached).ToLookup(c => c.Parent);
            foreach (var node in profile.Tree)
            {
                var children = childrenOf[node.Id].ToList();
                var name = profile.FunctionById(node.Function).Name;
                if (node.CpuNs != node.SelfCpuNs + children.Sum(c => c.CpuNs))
                    failures.Add($"(d) {name} (node {node.Id}): cpuNs {node.CpuNs} != selfCpuNs {node.SelfCpuNs} + children {children.Sum(c => c.CpuNs)}");
                if (node.AllocBytes != node.SelfAllocBytes + children.Sum(c => c.AllocBytes))
                    failures.Add($"(d) {name} (node {node.Id}): allocBytes {node.AllocBytes} != selfAllocBytes {node.SelfAllocBytes} + children {children.Sum(c => c.AllocBytes)}");
            }
            return failures;
        }

        public static IReadOnlyList<string> FunctionTotalFailures(ProfileFile profile)
        {
            var failures = new List<string>();
            var byId = profile.Tree.ToDictionary(n => n.Id);
            bool IsOutermost(ProfiledNode n)
            {
                for (var lane = n; !lane.IsDetached && lane.Parent is long p && byId.TryGetValue(p, out var parent); lane = parent)
                    if (parent.Function == n.Function) return false;
                return true;
            }
            var nodesOf = profile.Tree.ToLookup(n => n.Function);
            foreach (var f in profile.Functions)
            {
                var nodes = nodesOf[f.Id].ToList();
                var outermost = nodes.Where(IsOutermost).ToList();
                void Sum(string field, long value, long sum)
                {
                    if (value != sum) failures.Add($"(e) {f.Name}: {field} {value}, but its nodes add up to {sum}");
                }
                Sum("selfCpuNs", f.SelfCpuNs, nodes.Sum(n => n.SelfCpuNs));
                Sum("selfAllocBytes", f.SelfAllocBytes, nodes.Sum(n => n.SelfAllocBytes));
                Sum("wallNs (outermost nodes)", f.WallNs, outermost.Sum(n => n.WallNs));
                Sum("cpuNs (outermost nodes)", f.CpuNs, outermost.Sum(n => n.CpuNs));
                Sum("allocBytes (outermost nodes)", f.AllocBytes, outermost.Sum(n => n.AllocBytes));
            }
            return failures;
        }

        public static IReadOnlyList<string> LeafCpuAboveWallFailures(ProfileFile profile)
        {
            var parents = profile.Tree.Where(n => n.Parent != null).Select(n => n.Parent!.Value).ToHashSet();
            return profile.Tree
                .Where(n => n.Calls > 0 && n.CpuNs > n.WallNs + LeafCpuToleranceNs && !parents.Contains(n.Id))
                .Select(n => $"(f) {profile.FunctionById(n.Function).Name} (node {n.Id}): a leaf with more CPU ({n.CpuNs}) than wall time ({n.WallNs})")
                .ToList();
        }

        static string Ms(long ns) => $"{ns / 1e6:F2} ms";
    }
}
