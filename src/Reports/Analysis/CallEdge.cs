namespace AsyncProf.Reports.Analysis
{
    /// <summary>Calls from one function (null: from unprofiled code, a root) to another, with the callee's inclusive figures.</summary>
    public sealed class CallEdge
    {
        public long? Caller { get; init; }
        public long Callee { get; init; }
        /// <summary>The callee's calls here were detached: their figures are not in the caller's.</summary>
        public bool Detached { get; init; }
        public long Calls { get; internal set; }
        /// <summary>The callee's wall time (<see cref="CallTreeFigures.InclusiveWall"/>), as the profile's edges count it.</summary>
        public long WallNs { get; internal set; }
        /// <summary>The callee's wall time scaled like <see cref="CallTreeFigures.AttributedWall"/>: consistent with the self wall times.</summary>
        public long AttributedWallNs { get; internal set; }
        /// <summary>The wall split of <see cref="AttributedWallNs"/> (the callee subtrees' self splits).</summary>
        public WallSplit AttributedSplit { get; internal set; }
        public long CpuNs { get; internal set; }
        public long AllocBytes { get; internal set; }

        public long Value(ProfileMetric metric) => metric switch
        {
            ProfileMetric.Wall => WallNs,
            ProfileMetric.Cpu => CpuNs,
            _ => AllocBytes,
        };
    }
}
