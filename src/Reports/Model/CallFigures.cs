namespace AsyncProf.Reports
{
    /// <summary>
    /// The figures a function and a tree node both carry, under the schema's names (docs/profile-schema.md): for a
    /// function, sums over its nodes (inclusive ones over its outermost nodes only).
    /// </summary>
    public abstract class CallFigures
    {
        /// <summary>Completed calls.</summary>
        public long Calls { get; init; }
        /// <summary>Calls started but not completed when the profile was written.</summary>
        public long InFlight { get; init; }
        public long Faults { get; init; }
        public long Suspends { get; init; }
        /// <summary>Inclusive wall time of completed calls, suspensions included.</summary>
        public long WallNs { get; init; }
        /// <summary>Inclusive CPU time.</summary>
        public long CpuNs { get; init; }
        public long SelfCpuNs { get; init; }
        /// <summary>Inclusive allocated bytes.</summary>
        public long AllocBytes { get; init; }
        public long SelfAllocBytes { get; init; }
    }
}
