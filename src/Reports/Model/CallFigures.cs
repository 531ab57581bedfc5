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
        /// <summary>
        /// Calls that completed after their caller's call had ended (or are in flight under a caller with none in
        /// flight). A node with any is a detached node: its subtree is not in its parent's inclusive figures.
        /// 0 in files written before the field existed.
        /// </summary>
        public long Detached { get; init; }
        /// <summary>Calls of a task-returning method whose task's completion could not be observed: they ended at return. 0 when absent.</summary>
        public long Unobserved { get; init; }
        /// <summary>
        /// The wall split (docs/profile-schema.md#wall-split), inclusive like <see cref="WallNs"/>: on a thread and on
        /// CPU, on a thread off CPU (sleep, lock, blocking I/O, .Result), awaiting on no thread. They add up to
        /// <see cref="WallNs"/>. 0 in files written before the fields existed (<see cref="HasWallSplit"/> false).
        /// </summary>
        public long RunningNs { get; init; }
        public long BlockedNs { get; init; }
        public long SuspendedNs { get; init; }
        /// <summary>
        /// Of <see cref="SuspendedNs"/>, the time the call's continuations waited for a thread: the wall split's
        /// queued part (docs/profile-schema.md#wall-split). 0 when absent (files written before it existed).
        /// </summary>
        public long QueuedNs { get; init; }
        /// <summary>The file has the queued field here (written as read).</summary>
        public bool HasQueuedField { get; init; }
        /// <summary>
        /// GC pauses (docs/profile-schema.md#gc-pauses): the wall split's fourth part, inclusive (taken out of what
        /// would have been blocked or running), and the node's own. 0 when absent (files written before it existed).
        /// </summary>
        public long GcNs { get; init; }
        public long SelfGcNs { get; init; }
        /// <summary>The file has the wall split fields here.</summary>
        public bool HasWallSplit { get; init; }
        /// <summary>The file has the GC fields here (written as read: a runtime writes them even when 0).</summary>
        public bool HasGcFields { get; init; }
        /// <summary>
        /// The critical path (docs/profile-schema.md#critical-path): resumptions of the caller whose last completed
        /// callee was this node, and the suspended time of those resumptions. 0 when absent.
        /// </summary>
        public long CriticalCount { get; init; }
        public long CriticalNs { get; init; }
    }
}
