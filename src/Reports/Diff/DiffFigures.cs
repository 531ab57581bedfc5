using System;

namespace AsyncProf.Reports.Diff
{
    /// <summary>What a diff compares: the three figures every export carries, and the number of calls.</summary>
    public enum DiffMetric { Wall, Cpu, Alloc, Calls }

    public static class DiffMetrics
    {
        public static readonly DiffMetric[] All = { DiffMetric.Wall, DiffMetric.Cpu, DiffMetric.Alloc, DiffMetric.Calls };

        /// <summary>"wall", "cpu", "alloc", "calls": the names the command line and the HTML page use.</summary>
        public static string Key(DiffMetric m) => m switch
        {
            DiffMetric.Wall => "wall",
            DiffMetric.Cpu => "cpu",
            DiffMetric.Alloc => "alloc",
            DiffMetric.Calls => "calls",
            _ => throw new ArgumentOutOfRangeException(nameof(m), m, null),
        };

        public static bool TryParse(string? key, out DiffMetric metric)
        {
            foreach (var m in All)
                if (string.Equals(Key(m), key, StringComparison.OrdinalIgnoreCase)) { metric = m; return true; }
            metric = DiffMetric.Wall;
            return false;
        }

        public static string Description(DiffMetric m) => m switch
        {
            DiffMetric.Wall => "wall time",
            DiffMetric.Cpu => "CPU time",
            DiffMetric.Alloc => "allocated bytes",
            _ => "calls",
        };
    }

    /// <summary>
    /// One side's figures of a function or a call path (zero where that side does not have it): inclusive, and self
    /// (the code's own time and bytes, with the calls it makes to unprofiled code; self wall as
    /// <see cref="Analysis.CallTreeFigures.SelfWall"/> counts it). The self figures of a profile add up to its totals.
    /// </summary>
    public readonly record struct DiffFigures(long Calls, long WallNs, long CpuNs, long AllocBytes, long SelfWallNs, long SelfCpuNs, long SelfAllocBytes)
    {
        /// <summary>The inclusive figure.</summary>
        public long Value(DiffMetric metric) => metric switch
        {
            DiffMetric.Wall => WallNs,
            DiffMetric.Cpu => CpuNs,
            DiffMetric.Alloc => AllocBytes,
            DiffMetric.Calls => Calls,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
        };

        /// <summary>The self figure (calls are their own self figure).</summary>
        public long Self(DiffMetric metric) => metric switch
        {
            DiffMetric.Wall => SelfWallNs,
            DiffMetric.Cpu => SelfCpuNs,
            DiffMetric.Alloc => SelfAllocBytes,
            DiffMetric.Calls => Calls,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
        };

        /// <summary>The inclusive figure per completed call, or null without calls (and for <see cref="DiffMetric.Calls"/> itself).</summary>
        public double? PerCall(DiffMetric metric) =>
            Calls == 0 || metric == DiffMetric.Calls ? null : (double)Value(metric) / Calls;

        public static DiffFigures operator +(DiffFigures a, DiffFigures b) => new(
            SaturatingMath.Add(a.Calls, b.Calls), SaturatingMath.Add(a.WallNs, b.WallNs),
            SaturatingMath.Add(a.CpuNs, b.CpuNs), SaturatingMath.Add(a.AllocBytes, b.AllocBytes),
            SaturatingMath.Add(a.SelfWallNs, b.SelfWallNs), SaturatingMath.Add(a.SelfCpuNs, b.SelfCpuNs),
            SaturatingMath.Add(a.SelfAllocBytes, b.SelfAllocBytes));
    }
}
