using System.Threading;

namespace AsyncProf
{
    /// <summary>
    /// One thread's sync-call counters, gathered here and added to their nodes in one go (an Interlocked add costs
    /// ~5 ns, three per call otherwise): the thread's recorder flushes them at every CPU-window close and whenever
    /// its last profiled frame exits, so a profile written meanwhile misses at most one window's calls of a thread
    /// still inside profiled code. A mutable struct held in a field of its <see cref="ThreadRecorder"/>: called in
    /// place, never copied.
    /// </summary>
    internal struct SyncCallCounts
    {
        struct Counts
        {
            public CallNode? Node;
            public long Started, Calls, WallTicks;
        }

        /// <summary>
        /// Counter slots per thread; a node always uses the same one (<see cref="CallNode.ThreadSlot"/>). Two nodes
        /// in one slot flush each other's counters (three Interlocked adds) at every call: with 64 slots, that was
        /// 8% of a recorded Newtonsoft.Json workload's time (perf); with 1,024 (32 KB per thread) it left the profile.
        /// </summary>
        public const int Slots = 1024;

        readonly Counts[] pending;
        readonly int[] dirty; // slots holding a node, to flush
        int dirtyCount;

        public SyncCallCounts(int slots)
        {
            pending = new Counts[slots];
            dirty = new int[slots];
            dirtyCount = 0;
        }

        /// <summary>A sync call of <paramref name="node"/> starts.</summary>
        public void Started(CallNode node) => Of(node).Started++;

        /// <summary>A sync call of <paramref name="node"/> ends after <paramref name="wallTicks"/>.</summary>
        public void Ended(CallNode node, long wallTicks)
        {
            ref var counts = ref Of(node);
            counts.Calls++;
            counts.WallTicks += wallTicks;
        }

        ref Counts Of(CallNode node)
        {
            var slot = node.ThreadSlot;
            ref var e = ref pending[slot];
            if (e.Node != node)
            {
                if (e.Node != null) Flush(ref e);
                else dirty[dirtyCount++] = slot;
                e.Node = node;
            }
            return ref e;
        }

        static void Flush(ref Counts e)
        {
            var node = e.Node!;
            if (e.Started != 0) Interlocked.Add(ref node.Started, e.Started);
            if (e.Calls != 0) Interlocked.Add(ref node.Calls, e.Calls);
            if (e.WallTicks != 0) Interlocked.Add(ref node.WallTicks, e.WallTicks);
            e.Started = e.Calls = e.WallTicks = 0;
        }

        /// <summary>Adds every gathered counter to its node.</summary>
        public void Flush()
        {
            for (var i = 0; i < dirtyCount; i++)
            {
                ref var e = ref pending[dirty[i]];
                Flush(ref e);
                e.Node = null;
            }
            dirtyCount = 0;
        }
    }
}
