namespace AsyncProf
{
    /// <summary>Settings of a session started with <see cref="Profiler.Start(ProfilerOptions)"/>.</summary>
    public sealed class ProfilerOptions
    {
        /// <summary>Record the per-call timeline (needed by the Chrome trace format). Reads the CPU clock at every event.</summary>
        public bool RecordTimeline { get; set; }

        /// <summary>Newest timeline segments kept; older ones are dropped and counted.</summary>
        public int TimelineCapacity { get; set; } = EnvironmentSettings.TimelineCapacity;

        /// <summary>How often, at most, a thread's CPU clock is read (docs/profile-schema.md). 0: at every event.</summary>
        public long CpuWindowMicroseconds { get; set; } = EnvironmentSettings.CpuWindowNs / 1000;
    }
}
