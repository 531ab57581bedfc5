using System.Collections.Generic;

namespace AsyncProf.Reports
{
    /// <summary>
    /// One entry of the optional <c>blocking</c> section: a blocking call site in woven code (Task.Wait, .Result,
    /// Monitor.Enter, Thread.Sleep, ...) and the time the profiled run spent blocked there.
    /// </summary>
    public sealed class BlockingSite
    {
        /// <summary>The function the site is in (an id of <see cref="Profile.Functions"/>), or null when it has no node.</summary>
        public long? Function { get; init; }
        /// <summary>That function's display name.</summary>
        public string Name { get; init; } = "";
        /// <summary>The blocking method called, <c>System.Threading.Thread.Sleep</c>.</summary>
        public string Call { get; init; } = "";
        public string? File { get; init; }
        public int Line { get; init; }
        public long Count { get; init; }
        public long BlockedNs { get; init; }
        /// <summary>The longest single block.</summary>
        public long MaxNs { get; init; }
        /// <summary>Calls that blocked a thread-pool thread (sync over async: the classic starvation cause), and their time.</summary>
        public long PoolThreadCount { get; init; }
        public long PoolThreadNs { get; init; }
    }
}
