using System;
using System.Collections.Generic;
using System.Linq;

namespace AsyncProf.Reports.Diff
{
    /// <summary>
    /// <c>--fail-over PERCENT</c>: the functions whose self figure of the chosen metric (their own code, and the
    /// unprofiled code they call) grew by more than PERCENT percent, so a slower callee is named, not every caller
    /// above it. Functions whose self figure is under <see cref="MinSharePercent"/> of the larger total on both sides
    /// are not judged (a 200 ns helper doubling is noise, not a regression), nor functions that only one profile has
    /// (new code shows as its callers' change).
    /// </summary>
    public sealed class RegressionCheck
    {
        public double ThresholdPercent { get; init; }
        public DiffMetric Metric { get; init; } = DiffMetric.Wall;
        /// <summary>Smallest share of the larger profile total a function needs on one side to be judged, in percent.</summary>
        public double MinSharePercent { get; init; } = 1;

        /// <summary>The regressed functions, the one that moved most first.</summary>
        public IReadOnlyList<FunctionDiff> Regressions(ProfileDiff diff)
        {
            if (diff == null) throw new ArgumentNullException(nameof(diff));
            var total = Math.Max(diff.BeforeTotals.Value(Metric), diff.AfterTotals.Value(Metric));
            var floor = total * MinSharePercent / 100;
            var regressed = diff.Functions.Where(f =>
                f.InBefore && f.InAfter &&
                Math.Max(f.Before.Self(Metric), f.After.Self(Metric)) >= floor &&
                f.SelfPercentChange(Metric) is double p && p > ThresholdPercent);
            return ProfileDiff.MovedMost(regressed, Metric).ToList();
        }
    }
}
