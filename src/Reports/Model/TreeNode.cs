namespace AsyncProf.Reports
{
    /// <summary>One node of the calling-context tree: a function reached through one logical call path.</summary>
    public sealed class TreeNode
    {
        public long Id { get; init; }
        /// <summary>The calling node's id, or null for a root.</summary>
        public long? Parent { get; init; }
        /// <summary>Id of the function in <see cref="Profile.Functions"/>.</summary>
        public long Function { get; init; }

        public long Calls { get; init; }
        public long InFlight { get; init; }
        public long Faults { get; init; }
        public long Suspends { get; init; }
        public long WallNs { get; init; }
        public long CpuNs { get; init; }
        public long SelfCpuNs { get; init; }
        public long AllocBytes { get; init; }
        public long SelfAllocBytes { get; init; }
    }
}
