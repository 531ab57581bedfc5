using System;
using System.Diagnostics;

namespace PerfWorkload
{
    /// <summary>
    /// The memory mode: about 10 million calls over a realistic tree (Tree.Levels x Tree.Width distinct functions,
    /// depth 14 below the root's caller), then the process's peak working set and the GC heap. A profiler whose memory
    /// is bounded by the tree (and the timeline by its ring buffer) shows the same figures for 10 M calls as for 1 M.
    /// </summary>
    public static class TreeWorkload
    {
        public static string Run(long targetCalls)
        {
            // Whole trees first, then smaller subtrees (rooted SmallRootLevel levels down) up to the target.
            var perRoot = CallsPerRoot(Tree.Levels);
            var perSmallRoot = CallsPerRoot(Tree.Levels - Tree.SmallRootLevel);
            var roots = targetCalls / perRoot;
            var smallRoots = Math.Max(1, (targetCalls - roots * perRoot + perSmallRoot - 1) / perSmallRoot);
            var start = Stopwatch.GetTimestamp();
            long sum = 0;
            for (var r = 0; r < roots; r++) sum += Tree.Root((int)r, r);
            for (var r = 0; r < smallRoots; r++) sum += Tree.SmallRoot((int)r, r);
            var elapsed = Stopwatch.GetElapsedTime(start);
            GC.KeepAlive(sum);
            var calls = roots * perRoot + smallRoots * perSmallRoot;
            using var self = Process.GetCurrentProcess();
            self.Refresh();
            var heapAfterFullGc = GC.GetTotalMemory(forceFullCollection: true);
            return $"ns_per_op={elapsed.TotalMilliseconds * 1e6 / calls:F1} calls={calls} functions={Tree.Levels * Tree.Width} " +
                   $"peak_ws_mb={self.PeakWorkingSet64 / 1048576.0:F1} gc_heap_mb={heapAfterFullGc / 1048576.0:F1} " +
                   $"gc_committed_mb={GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0:F1}";
        }

        /// <summary>Each non-leaf function makes 3 calls: (3^levels - 1) / 2 calls under one root call.</summary>
        static long CallsPerRoot(int levels)
        {
            long p = 1;
            for (var i = 0; i < levels; i++) p *= 3;
            return (p - 1) / 2;
        }
    }

    static partial class Tree
    {
        public static long Root(int i, long x) => Roots[i % Roots.Length](x);

        public static long SmallRoot(int i, long x) => SmallRoots[i % SmallRoots.Length](x);
    }
}
