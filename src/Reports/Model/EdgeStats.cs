namespace AsyncProf.Reports
{
    /// <summary>One entry of <c>edges</c>: totals of calls from one function (null: roots) to another.</summary>
    public sealed class EdgeStats
    {
        /// <summary>Calling function id, or null for calls with no profiled caller.</summary>
        public long? Caller { get; init; }
        public long Callee { get; init; }
        public long Calls { get; init; }
        public long WallNs { get; init; }
        public long CpuNs { get; init; }
        public long AllocBytes { get; init; }
    }
}
