using System;

namespace AsyncProf
{
    /// <summary>
    /// Every ASYNCPROF_* environment variable the runtime reads, in one place (docs/profile-schema.md and the README
    /// name them for users). Read when asked, never cached: tests set them between sessions.
    /// </summary>
    internal static class EnvironmentSettings
    {
        public const long DefaultCpuWindowNs = 250_000;

        /// <summary>ASYNCPROF_OUTPUT: where a whole-process profile goes; null or empty: no whole-process session.</summary>
        public static string? Output => Environment.GetEnvironmentVariable("ASYNCPROF_OUTPUT");

        /// <summary>ASYNCPROF_TIMELINE=1: record the per-call timeline.</summary>
        public static bool Timeline => Environment.GetEnvironmentVariable("ASYNCPROF_TIMELINE") == "1";

        /// <summary>ASYNCPROF_TIMELINE_CAPACITY: newest timeline segments kept (a positive integer).</summary>
        public static int TimelineCapacity =>
            int.TryParse(Environment.GetEnvironmentVariable("ASYNCPROF_TIMELINE_CAPACITY"), out var n) && n > 0 ? n : AsyncProf.Timeline.DefaultCapacity;

        /// <summary>ASYNCPROF_CPU_WINDOW_US: how often, at most, a thread's CPU clock is read (0: at every event).</summary>
        public static long CpuWindowNs =>
            long.TryParse(Environment.GetEnvironmentVariable("ASYNCPROF_CPU_WINDOW_US"), out var us) && us >= 0 ? us * 1000 : DefaultCpuWindowNs;

        /// <summary>ASYNCPROF_CORRECTION=off: profiles are written without the probe-cost correction.</summary>
        public static bool CorrectionOff => string.Equals(Environment.GetEnvironmentVariable("ASYNCPROF_CORRECTION"), "off", StringComparison.OrdinalIgnoreCase);

        /// <summary>ASYNCPROF_CLOCK=stopwatch: never read the TSC directly.</summary>
        public static bool StopwatchClock => Environment.GetEnvironmentVariable("ASYNCPROF_CLOCK") == "stopwatch";
    }
}
