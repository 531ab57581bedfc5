using System;
using AsyncProf.Reports.Analysis;

namespace AsyncProf.Reports.Diff
{
    /// <summary>
    /// What a diff compares: the three figures every export carries, the number of calls, and the parts of the wall
    /// split (docs/profile-schema.md#wall-split), so a diff can say a function got slower because it now blocks.
    /// </summary>
    public enum DiffMetric { Wall, Cpu, Alloc, Calls, Running, Blocked, Suspended, Queued, Gc }

    public static class DiffMetrics
    {
        /// <summary>The figures every diff table shows.</summary>
        public static readonly DiffMetric[] All = { DiffMetric.Wall, DiffMetric.Cpu, DiffMetric.Alloc, DiffMetric.Calls };

        /// <summary>The wall split's parts: a diff sorts by one on request, and its totals show those that are not zero.</summary>
        public static readonly DiffMetric[] WallParts = { DiffMetric.Running, DiffMetric.Blocked, DiffMetric.Suspended, DiffMetric.Queued, DiffMetric.Gc };

        /// <summary>The wall part <paramref name="m"/> is, or null for the other figures.</summary>
        public static WallPart? PartOf(DiffMetric m) => m switch
        {
            DiffMetric.Running => WallPart.Running,
            DiffMetric.Blocked => WallPart.Blocked,
            DiffMetric.Suspended => WallPart.Suspended,
            DiffMetric.Queued => WallPart.Queued,
            DiffMetric.Gc => WallPart.Gc,
            _ => null,
        };

        /// <summary>"wall", "cpu", "alloc", "calls", and the wall parts' keys ("blocked"...): the names the command line and the HTML page use.</summary>
        public static string Key(DiffMetric m) => m switch
        {
            DiffMetric.Wall => "wall",
            DiffMetric.Cpu => "cpu",
            DiffMetric.Alloc => "alloc",
            DiffMetric.Calls => "calls",
            _ when PartOf(m) is WallPart part => WallSplit.Key(part),
            _ => throw new ArgumentOutOfRangeException(nameof(m), m, null),
        };

        public static bool TryParse(string? key, out DiffMetric metric)
        {
            foreach (var m in (DiffMetric[])Enum.GetValues(typeof(DiffMetric)))
                if (string.Equals(Key(m), key, StringComparison.OrdinalIgnoreCase)) { metric = m; return true; }
            metric = DiffMetric.Wall;
            return false;
        }

        public static string Description(DiffMetric m) => m switch
        {
            DiffMetric.Wall => "wall time",
            DiffMetric.Cpu => "CPU time",
            DiffMetric.Alloc => "allocated bytes",
            DiffMetric.Calls => "calls",
            DiffMetric.Suspended => "suspended time (queued apart)",
            _ => Key(m) + " time",
        };
    }

    /// <summary>
    /// One side's figures of a function or a call path (zero where that side does not have it): inclusive, and self
    /// (the code's own time and bytes, with the calls it makes to unprofiled code; self wall as
    /// <see cref="Analysis.CallTreeFigures.SelfWall"/> counts it). The self figures of a profile add up to its totals.
    /// The wall split, inclusive and self (<see cref="WallSplit.OfSelf"/>), is zero for a profile written without it.
    /// </summary>
    public readonly record struct DiffFigures(long Calls, long WallNs, long CpuNs, long AllocBytes, long SelfWallNs, long SelfCpuNs, long SelfAllocBytes,
        WallSplit Split = default, WallSplit SelfSplit = default)
    {
        /// <summary>The inclusive figure.</summary>
        public long Value(DiffMetric metric) => metric switch
        {
            DiffMetric.Wall => WallNs,
            DiffMetric.Cpu => CpuNs,
            DiffMetric.Alloc => AllocBytes,
            DiffMetric.Calls => Calls,
            _ when DiffMetrics.PartOf(metric) is WallPart part => Split.Part(part),
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
        };

        /// <summary>The self figure (calls are their own self figure).</summary>
        public long Self(DiffMetric metric) => metric switch
        {
            DiffMetric.Wall => SelfWallNs,
            DiffMetric.Cpu => SelfCpuNs,
            DiffMetric.Alloc => SelfAllocBytes,
            DiffMetric.Calls => Calls,
            _ when DiffMetrics.PartOf(metric) is WallPart part => SelfSplit.Part(part),
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
        };

        /// <summary>The inclusive figure per completed call, or null without calls (and for <see cref="DiffMetric.Calls"/> itself).</summary>
        public double? PerCall(DiffMetric metric) =>
            Calls == 0 || metric == DiffMetric.Calls ? null : (double)Value(metric) / Calls;

        public static DiffFigures operator +(DiffFigures a, DiffFigures b) => new(
            SaturatingMath.Add(a.Calls, b.Calls), SaturatingMath.Add(a.WallNs, b.WallNs),
            SaturatingMath.Add(a.CpuNs, b.CpuNs), SaturatingMath.Add(a.AllocBytes, b.AllocBytes),
            SaturatingMath.Add(a.SelfWallNs, b.SelfWallNs), SaturatingMath.Add(a.SelfCpuNs, b.SelfCpuNs),
            SaturatingMath.Add(a.SelfAllocBytes, b.SelfAllocBytes), a.Split + b.Split, a.SelfSplit + b.SelfSplit);
    }
}
