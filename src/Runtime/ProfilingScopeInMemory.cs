using System.IO;

namespace AsyncProf
{
    /// <summary>What a server that keeps profiles in memory needs of a scope (AsyncProf.AspNetCore).</summary>
    public sealed partial class ProfilingScope
    {
        /// <summary>Writes what the scope recorded as asyncprof/1 JSON into <paramref name="stream"/>, which stays open.</summary>
        public void WriteJson(Stream stream) => ProfileWriter.WriteTo(session, stream);

        /// <summary>
        /// Stops recording early, for <paramref name="reason"/> (a limit reached): the profile's <c>process.error</c>
        /// says so. Does nothing once stopped.
        /// </summary>
        public void Stop(string reason)
        {
            if (!session.Recording) return;
            if (session.Error == null) session.Error = reason;
            Stop();
        }

        /// <summary>
        /// The CPU time and bytes allocated the scope recorded so far, over every call (the sum of all self figures),
        /// for a one-line summary such as a Server-Timing header. Takes a snapshot (without the probe-cost
        /// correction, which calibrates for milliseconds: CPU includes the probe's own time): not for a hot path.
        /// </summary>
        public ScopeTotals Totals()
        {
            var snapshot = Recorder.Unprofiled(() => ProfileSnapshot.Take(session, correct: false));
            long cpu = 0, alloc = 0, calls = 0;
            foreach (var node in snapshot.Nodes)
            {
                cpu += node.SelfCpuNs;
                alloc += node.SelfAllocBytes;
                calls += node.Calls + node.InFlight;
            }
            return new ScopeTotals(cpu, alloc, calls);
        }
    }

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
