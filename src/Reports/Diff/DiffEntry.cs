using System;

namespace AsyncProf.Reports.Diff
{
    /// <summary>A function or a call path as the two profiles have it; a side without it has zero figures.</summary>
    public abstract class DiffEntry
    {
        public DiffFigures Before { get; internal set; }
        public DiffFigures After { get; internal set; }
        /// <summary>Whether each side has it at all (a function or path with no node there is new, or gone).</summary>
        public bool InBefore { get; internal set; }
        public bool InAfter { get; internal set; }

        /// <summary>What the entry is called in reports: a function's name, or a path's frames joined by " > ".</summary>
        public abstract string Label { get; }

        /// <summary>After minus before of the inclusive figure, saturating.</summary>
        public long Delta(DiffMetric metric) => SaturatingMath.Subtract(After.Value(metric), Before.Value(metric));

        /// <summary>After minus before of the self figure: what this code itself changed, not what its callees did.</summary>
        public long SelfDelta(DiffMetric metric) => SaturatingMath.Subtract(After.Self(metric), Before.Self(metric));

        /// <summary>
        /// The change as a percentage of the before figure; +∞ when it grew from nothing, null when both are zero.
        /// </summary>
        public double? PercentChange(DiffMetric metric) => Percent(Before.Value(metric), After.Value(metric));

        /// <summary>The change of the self figure in percent, as <see cref="PercentChange"/>.</summary>
        public double? SelfPercentChange(DiffMetric metric) => Percent(Before.Self(metric), After.Self(metric));

        /// <summary>The change of the per-call figure in percent, or null when a side has no completed call.</summary>
        public double? PerCallPercentChange(DiffMetric metric) =>
            Before.PerCall(metric) is double b && After.PerCall(metric) is double a ? Percent(b, a) : null;

        internal static double? Percent(double before, double after)
        {
            if (before == 0) return after == 0 ? null : double.PositiveInfinity;
            return (after - before) / before * 100;
        }

        public override string ToString() => $"{Label}: wall {Before.WallNs} → {After.WallNs}";
    }

    /// <summary>A function, matched by its display name (overloads that share a name are summed, as the reports show them).</summary>
    public sealed class FunctionDiff : DiffEntry
    {
        internal FunctionDiff(string name) => Name = name;
        public string Name { get; }
        public override string Label => Name;
    }
}
