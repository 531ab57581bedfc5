using System;
using System.Collections.Generic;
using System.Linq;
using AsyncProf.Reports.Analysis;

namespace AsyncProf.Reports.Diff
{
    /// <summary>
    /// Two profiles compared (<c>asyncprof diff before.json after.json</c>): per function, matched by display name,
    /// and per call path, the frames of both profiles' bounded frame trees (<see cref="CallTreeFigures.Frames"/>)
    /// merged by name under their matched parent. Figures are inclusive (calls, wall, CPU, allocations); a side
    /// that lacks a function or path counts zero there.
    /// </summary>
    public sealed class ProfileDiff
    {
        ProfileDiff(Profile before, Profile after, IReadOnlyList<FunctionDiff> functions, IReadOnlyList<PathDiff> paths,
            DiffFigures beforeTotals, DiffFigures afterTotals)
        {
            BeforeProfile = before;
            AfterProfile = after;
            Functions = functions;
            Paths = paths;
            BeforeTotals = beforeTotals;
            AfterTotals = afterTotals;
        }

        public Profile BeforeProfile { get; }
        public Profile AfterProfile { get; }
        /// <summary>Every function of either profile, in no particular order (see <see cref="MovedMost{T}"/>).</summary>
        public IReadOnlyList<FunctionDiff> Functions { get; }
        /// <summary>The merged frame tree, a parent before its children.</summary>
        public IReadOnlyList<PathDiff> Paths { get; }
        public IEnumerable<PathDiff> RootPaths => Paths.Where(p => p.Parent == null);
        /// <summary>Each profile's totals: the sums over its lanes (roots and detached work), as every report counts them.</summary>
        public DiffFigures BeforeTotals { get; }
        public DiffFigures AfterTotals { get; }

        public static ProfileDiff Compute(Profile before, Profile after)
        {
            if (before == null) throw new ArgumentNullException(nameof(before));
            if (after == null) throw new ArgumentNullException(nameof(after));

            var functions = new Dictionary<string, FunctionDiff>(StringComparer.Ordinal);
            var beforeFigures = CallTreeFigures.Of(before);
            var afterFigures = CallTreeFigures.Of(after);
            AddFunctions(beforeFigures, functions, isAfter: false);
            AddFunctions(afterFigures, functions, isAfter: true);

            var paths = new List<PathDiff>();
            var roots = new Dictionary<string, PathDiff>(StringComparer.Ordinal);
            AddFrames(beforeFigures, paths, roots, isAfter: false);
            AddFrames(afterFigures, paths, roots, isAfter: true);

            return new ProfileDiff(before, after, functions.Values.ToList(), paths, Totals(beforeFigures), Totals(afterFigures));
        }

        /// <summary>
        /// Entries in the order of how much they moved: the largest absolute change of the self figure of
        /// <paramref name="metric"/> first (a slower callee moves itself, not each of its callers, whose inclusive
        /// figures all grow by as much), then of the inclusive figure, then by label (so equal inputs list alike).
        /// </summary>
        public static IEnumerable<T> MovedMost<T>(IEnumerable<T> entries, DiffMetric metric) where T : DiffEntry =>
            entries.OrderByDescending(e => Magnitude(e.SelfDelta(metric)))
                .ThenByDescending(e => Magnitude(e.Delta(metric)))
                .ThenBy(e => e.Label, StringComparer.Ordinal);

        static ulong Magnitude(long delta) => delta == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)Math.Abs(delta);

        static DiffFigures Totals(CallTreeFigures figures)
        {
            // the self splits of all nodes add up to the wall total, as the self walls do
            var split = figures.Profile.Tree.Aggregate(default(WallSplit), (sum, n) => sum + figures.SelfSplit(n));
            return new(figures.TotalCalls, figures.Total(ProfileMetric.Wall), figures.Total(ProfileMetric.Cpu), figures.Total(ProfileMetric.Alloc),
                figures.Total(ProfileMetric.Wall), figures.Total(ProfileMetric.Cpu), figures.Total(ProfileMetric.Alloc), split, split);
        }

        static void AddFunctions(CallTreeFigures tree, Dictionary<string, FunctionDiff> byName, bool isAfter)
        {
            // A function's self wall: the sum of its nodes' (the profile's functions have no such field).
            var selfWall = new Dictionary<long, long>();
            var selfSplit = new Dictionary<long, WallSplit>();
            foreach (var n in tree.Profile.Tree)
            {
                selfWall[n.Function] = SaturatingMath.Add(selfWall.GetValueOrDefault(n.Function), tree.SelfWall(n));
                selfSplit[n.Function] = selfSplit.GetValueOrDefault(n.Function) + tree.SelfSplit(n);
            }
            foreach (var f in tree.Profile.Functions)
            {
                if (!byName.TryGetValue(f.Name, out var entry)) byName[f.Name] = entry = new FunctionDiff(f.Name);
                var figures = new DiffFigures(f.Calls, f.WallNs, f.CpuNs, f.AllocBytes, selfWall.GetValueOrDefault(f.Id), f.SelfCpuNs, f.SelfAllocBytes,
                    WallSplit.Of(f), selfSplit.GetValueOrDefault(f.Id));
                if (isAfter) { entry.After += figures; entry.InAfter = true; }
                else { entry.Before += figures; entry.InBefore = true; }
            }
        }

        static void AddFrames(CallTreeFigures figures, List<PathDiff> paths, Dictionary<string, PathDiff> roots, bool isAfter)
        {
            // Frames list a parent before its children, so each frame's parent is matched before the frame is.
            var matched = new PathDiff[figures.Frames.Count];
            foreach (var frame in figures.Frames)
            {
                var parent = frame.Parent == null ? null : matched[frame.Parent.Index];
                var siblings = parent == null ? roots : parent.ChildByKey;
                var key = MatchKey(frame);
                if (!siblings.TryGetValue(key, out var path))
                {
                    path = new PathDiff(paths.Count, key, frame.Name, parent) { IsMarker = frame.IsMarker };
                    siblings[key] = path;
                    parent?.ChildList.Add(path);
                    paths.Add(path);
                }
                else if (isAfter) path.Name = frame.Name; // a marker's text ("N frames collapsed") as the newer run says it
                matched[frame.Index] = path;
                var f = new DiffFigures(frame.Calls, frame.WallNs, frame.CpuNs, frame.AllocBytes, frame.SelfWallNs, frame.SelfCpuNs, frame.SelfAllocBytes,
                    frame.Split, frame.SelfSplit);
                if (isAfter) { path.After += f; path.InAfter = true; }
                else { path.Before += f; path.InBefore = true; }
            }
        }

        /// <summary>A call frame matches the other side's by function name; a marker by its kind (its text holds counts that differ between runs).</summary>
        static string MatchKey(CallFrame frame) => frame.Kind switch
        {
            FrameKind.Call => "call:" + frame.Name,
            FrameKind.DetachedLane => "lane:" + (frame.DetachedFrom?.Name ?? frame.Name),
            FrameKind.CollapsedRecursion => "recursion",
            _ => "depth",
        };
    }
}
