using System;
using System.Collections.Generic;

namespace AsyncProf.Reports.Analysis
{
    /// <summary>The three figures every export carries.</summary>
    public enum ProfileMetric
    {
        /// <summary>Wall time, nanoseconds, suspensions included.</summary>
        Wall,
        /// <summary>CPU time, nanoseconds, only while the code ran.</summary>
        Cpu,
        /// <summary>Allocated bytes.</summary>
        Alloc,
    }

    public static class ProfileMetrics
    {
        public static IReadOnlyList<ProfileMetric> All { get; } = new[] { ProfileMetric.Wall, ProfileMetric.Cpu, ProfileMetric.Alloc };

        /// <summary>"wall", "cpu", "alloc".</summary>
        public static string Key(ProfileMetric m) => m switch
        {
            ProfileMetric.Wall => "wall",
            ProfileMetric.Cpu => "cpu",
            ProfileMetric.Alloc => "alloc",
            _ => throw new ArgumentOutOfRangeException(nameof(m), m, null),
        };

        public static bool TryParse(string? key, out ProfileMetric metric)
        {
            foreach (var m in All)
                if (string.Equals(Key(m), key, StringComparison.OrdinalIgnoreCase)) { metric = m; return true; }
            metric = ProfileMetric.Wall;
            return false;
        }

        /// <summary>"nanoseconds" or "bytes".</summary>
        public static string Unit(ProfileMetric m) => m == ProfileMetric.Alloc ? "bytes" : "nanoseconds";

        public static string Description(ProfileMetric m) => m switch
        {
            ProfileMetric.Wall => "wall time",
            ProfileMetric.Cpu => "CPU time",
            _ => "allocated bytes",
        };
    }
}
