using System;
using System.Collections.Generic;
using System.Linq;

namespace AsyncProf.Reports.Text
{
    /// <summary>What the text report is sorted by. Figures sort largest first, names alphabetically.</summary>
    public enum ReportSort
    {
        /// <summary>Inclusive wall time (the default: where the time went, awaits included).</summary>
        Wall,
        /// <summary>Inclusive CPU time.</summary>
        Cpu,
        /// <summary>Self CPU time.</summary>
        Self,
        Calls,
        Suspends,
        /// <summary>Inclusive allocated bytes.</summary>
        Alloc,
        Name,
        /// <summary>Inclusive time blocked: on a thread, off CPU (the wall split).</summary>
        Blocked,
        /// <summary>Inclusive time suspended: awaiting, on no thread.</summary>
        Suspended,
    }

    public static class ReportSorts
    {
        static readonly Dictionary<string, ReportSort> ByName = new(StringComparer.OrdinalIgnoreCase)
        {
            ["wall"] = ReportSort.Wall,
            ["cpu"] = ReportSort.Cpu,
            ["self"] = ReportSort.Self,
            ["calls"] = ReportSort.Calls,
            ["suspends"] = ReportSort.Suspends,
            ["alloc"] = ReportSort.Alloc,
            ["name"] = ReportSort.Name,
            ["blocked"] = ReportSort.Blocked,
            ["suspended"] = ReportSort.Suspended,
        };

        /// <summary>The keys accepted on the command line, in documentation order.</summary>
        public static IReadOnlyList<string> Keys { get; } = ByName.Keys.ToArray();

        public static bool TryParse(string? key, out ReportSort sort)
        {
            sort = ReportSort.Wall;
            return key != null && ByName.TryGetValue(key, out sort);
        }

        public static string KeyOf(ReportSort sort) => ByName.First(kv => kv.Value == sort).Key;

        /// <summary>Functions in report order; ties (and the name sort) go alphabetically, then by id, so output is stable.</summary>
        public static IEnumerable<FunctionStats> Apply(IEnumerable<FunctionStats> functions, ReportSort sort)
        {
            if (sort == ReportSort.Name)
                return functions.OrderBy(f => f.Name, StringComparer.Ordinal).ThenBy(f => f.Id);
            Func<FunctionStats, long> key = sort switch
            {
                ReportSort.Wall => f => f.WallNs,
                ReportSort.Cpu => f => f.CpuNs,
                ReportSort.Self => f => f.SelfCpuNs,
                ReportSort.Calls => f => f.Calls,
                ReportSort.Suspends => f => f.Suspends,
                ReportSort.Alloc => f => f.AllocBytes,
                ReportSort.Blocked => f => f.BlockedNs,
                ReportSort.Suspended => f => f.SuspendedNs,
                _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, null),
            };
            return functions.OrderByDescending(key).ThenBy(f => f.Name, StringComparer.Ordinal).ThenBy(f => f.Id);
        }
    }
}
