using System;
using System.Threading;

namespace AsyncProf
{
    /// <summary>
    /// The bounded per-call timeline (docs/profile-schema.md, "timeline"): one entry per segment, i.e. one stretch
    /// of a call's own code on one thread. A lock-free ring: each writer claims a slot with one Interlocked
    /// increment; when full, the oldest segments are overwritten and counted as dropped. A slot's sequence number is
    /// written last, so a reader can tell a complete entry from one being written. The ring is made of chunks created
    /// on first use, so a short recording does not pay for the whole capacity up front.
    /// </summary>
    internal sealed class Timeline
    {
        public const int DefaultCapacity = 1_000_000;

        public enum SegmentEnd : byte { Exit, Fault, Suspend, Complete, Open }

        public struct Segment
        {
            public long Sequence; // claim number + 1 once complete, 0 while being written
            public long CallId, ParentCallId;
            public CallNode Node;
            public int ThreadId;
            public long StartTicks, EndTicks, CpuNs;
            public SegmentEnd End;
        }

        const int ChunkSize = 1 << 14;
        readonly Segment[]?[] chunks;
        readonly int capacity;
        long claimed;
        long lastCallId;

        public Timeline(int capacity)
        {
            this.capacity = Math.Max(1, capacity);
            chunks = new Segment[]?[(this.capacity + ChunkSize - 1) / ChunkSize];
        }

        public int Capacity => capacity;
        public long Claimed => Volatile.Read(ref claimed);
        public long Dropped => Math.Max(0, Claimed - capacity);

        ref Segment Slot(long n)
        {
            var index = (int)(n % capacity);
            var chunk = Volatile.Read(ref chunks[index / ChunkSize]);
            if (chunk == null)
            {
                // first writer in this chunk creates it; a racing one adopts the winner's
                var size = Math.Min(ChunkSize, capacity - index / ChunkSize * ChunkSize);
                chunk = Interlocked.CompareExchange(ref chunks[index / ChunkSize], new Segment[size], null) ?? chunks[index / ChunkSize]!;
            }
            return ref chunk[index % ChunkSize];
        }

        public long NewCallId() => Interlocked.Increment(ref lastCallId);

        public void Add(long callId, long parentCallId, CallNode node, int threadId, long startTicks, long endTicks, long cpuNs, SegmentEnd end)
        {
            var n = Interlocked.Increment(ref claimed) - 1;
            ref var s = ref Slot(n);
            Volatile.Write(ref s.Sequence, 0);
            Interlocked.MemoryBarrier(); // readers must not see new fields under the old sequence (weak memory models)
            s.CallId = callId;
            s.ParentCallId = parentCallId;
            s.Node = node;
            s.ThreadId = threadId;
            s.StartTicks = startTicks;
            s.EndTicks = endTicks;
            s.CpuNs = cpuNs;
            s.End = end;
            Volatile.Write(ref s.Sequence, n + 1);
        }

        /// <summary>The complete segments still in the ring, oldest first.</summary>
        public Segment[] Snapshot()
        {
            var end = Claimed;
            var start = Math.Max(0, end - capacity);
            var result = new System.Collections.Generic.List<Segment>((int)(end - start));
            for (var n = start; n < end; n++)
            {
                ref var slot = ref Slot(n);
                if (Volatile.Read(ref slot.Sequence) != n + 1) continue; // still being written, or already overwritten
                var s = slot;
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref slot.Sequence) == n + 1) result.Add(s);
            }
            return result.ToArray();
        }

    }
}
