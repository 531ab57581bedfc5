using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

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
        /// correction, which calibrates for milliseconds: CPU includes the probe's own time). A walk over the
        /// scope's call nodes, not a snapshot: no functions, edges or names are derived for it.
        /// </summary>
        public ScopeTotals Totals() => Recorder.Unprofiled(() =>
        {
            // this thread's open CPU window holds the CPU spent since it opened: close it, as a snapshot does
            var thread = ThreadRecorders.Existing(session);
            if (thread != null) thread.CloseWindow(thread.Event());
            return SumSelfFigures(session.Root);
        });

        static ScopeTotals SumSelfFigures(CallNode root)
        {
            long cpu = 0, alloc = 0, calls = 0;
            var stack = new Stack<CallNode>(); // explicit: deep recursion in user code must not overflow it
            stack.Push(root);
            while (stack.Count > 0)
            {
                var node = stack.Pop();
                if (node != root)
                {
                    cpu += Volatile.Read(ref node.SelfCpuNs);
                    alloc += Volatile.Read(ref node.SelfAllocBytes);
                    calls += Math.Max(Volatile.Read(ref node.Calls), Volatile.Read(ref node.Started)); // finished or in flight
                }
                for (var c = node.FirstChild; c != null; c = c.NextSibling) stack.Push(c);
            }
            return new ScopeTotals(cpu, alloc, calls);
        }
    }
}
