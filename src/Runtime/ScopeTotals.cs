namespace AsyncProf
{
    /// <summary>Totals of a scope's recording: see <see cref="ProfilingScope.Totals"/>.</summary>
    public readonly struct ScopeTotals
    {
        public ScopeTotals(long cpuNs, long allocBytes, long calls)
        {
            CpuNs = cpuNs;
            AllocBytes = allocBytes;
            Calls = calls;
        }

        public long CpuNs { get; }
        public long AllocBytes { get; }
        /// <summary>Calls recorded, finished or in flight.</summary>
        public long Calls { get; }
    }
}
