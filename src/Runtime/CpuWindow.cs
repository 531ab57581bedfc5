using System;
using System.Threading;

namespace AsyncProf
{
    /// <summary>
    /// A thread's CPU window: the intervals its profiled frames ran since the last thread-CPU reading, by node, and
    /// the readings at the window's start. When the window closes, the CPU and GC pause time read over it are
    /// apportioned to those nodes (<see cref="Apportion"/>, which reads no clock). A mutable struct held in a field
    /// of its <see cref="ThreadRecorder"/>: called in place, never copied.
    /// </summary>
    internal struct CpuWindow
    {
        internal struct Entry
        {
            public CallNode Node;
            public long Ticks;
        }

        /// <summary>A window with this many entries closes (a thread switching between many nodes within one window).</summary>
        public const int MaxEntries = 8192;

        Entry[] entries;
        int count;
        // A node's entry in this window, by its ThreadSlot: a caller and its callees alternate on top, and one entry
        // per node keeps the window from filling with them (and closing: a CPU-clock read, an Interlocked add per
        // entry). Two nodes sharing a slot may get an entry each time they alternate; nothing is lost then.
        readonly int[] entryOfSlot;
        int lastEntry; // the entry the last Add charged
        /// <summary>The readings at the window's start: the clock, the thread's CPU time, the process's GC pause total.</summary>
        public long StartTicks, StartCpuNs, StartGcNs;
        /// <summary>Wall time of profiled frames in the window.</summary>
        public long ProfiledTicks;
        long finalIntervalTicks; // the window's last interval, and the entry it was charged to (-1: unprofiled)
        int finalEntry;

        public CpuWindow(int capacity)
        {
            entries = new Entry[capacity];
            entryOfSlot = new int[SyncCallCounts.Slots];
            count = lastEntry = 0;
            StartTicks = StartCpuNs = StartGcNs = ProfiledTicks = finalIntervalTicks = 0;
            finalEntry = -1;
        }

        /// <summary>Entries in the window: the intervals of one node share one.</summary>
        public int Count => count;

        /// <summary>Empties the window (entries no longer hold their nodes) and starts it at these readings.</summary>
        public void Start(long ticks, long cpuNs, long gcNs)
        {
            Array.Clear(entries, 0, count);
            count = 0;
            ProfiledTicks = 0;
            finalIntervalTicks = 0;
            finalEntry = -1;
            StartTicks = ticks;
            StartCpuNs = cpuNs;
            StartGcNs = gcNs;
        }

        /// <summary>
        /// An interval of <paramref name="ticks"/> that <paramref name="node"/>'s own code ran on top. False when
        /// the entries are full and nothing was added: <see cref="Grow"/>, then add again.
        /// </summary>
        public bool Add(CallNode node, long ticks)
        {
            var i = lastEntry;
            if (i >= count || entries[i].Node != node)
            {
                ref var slotEntry = ref entryOfSlot[node.ThreadSlot];
                i = slotEntry;
                if (i >= count || entries[i].Node != node)
                {
                    i = count;
                    if (i == entries.Length) return false;
                    entries[i].Node = node;
                    entries[i].Ticks = 0;
                    count = i + 1;
                    slotEntry = i;
                }
                lastEntry = i;
            }
            entries[i].Ticks += ticks;
            ProfiledTicks += ticks;
            return true;
        }

        /// <summary>Doubles the entries (the caller hides the bytes from user figures).</summary>
        public void Grow()
        {
            var grown = new Entry[entries.Length * 2];
            Array.Copy(entries, grown, entries.Length);
            entries = grown;
        }

        /// <summary>The interval just charged (by <see cref="Add"/>, unless <paramref name="node"/> is null: no profiled frame was on top) is the window's last so far.</summary>
        public void EndInterval(CallNode? node, long ticks)
        {
            finalIntervalTicks = ticks;
            finalEntry = node != null ? lastEntry : -1;
        }

        /// <summary>
        /// Closes the window at these readings (<paramref name="cpuNow"/> unused without a CPU clock): its CPU and
        /// GC pause time go to its nodes, and the next window starts here.
        /// </summary>
        public void Close(long now, bool hasCpuClock, long cpuNow, long gcNow, double ticksToNs)
        {
            Apportion(entries, count, now - StartTicks, finalIntervalTicks, finalEntry,
                hasCpuClock, cpuNow - StartCpuNs, gcNow - StartGcNs, ticksToNs);
            Start(now, cpuNow, gcNow);
        }

        /// <summary>
        /// Splits a window's CPU time over its entries (and clears them). Every interval but the last is shorter
        /// than the long-interval threshold (a long one closes the window), so those are taken as running code: they
        /// get CPU at up to one ns per ns, in proportion to their wall time; the last interval, which may have
        /// blocked or idled, gets the rest, up to its wall time (what the clock read beyond the window's wall is the
        /// profiler's). Without a CPU clock, running wall time stands for CPU time.
        /// GC pauses that ended in the window (at most its wall) are shared over its intervals like wall time, each
        /// share taken out of the interval's off-CPU time first (a thread stopped by another's GC was off CPU), the
        /// rest out of its CPU (a thread that ran the collection itself was on CPU): docs/profile-schema.md#gc-pauses.
        /// Inputs: the window's wall ticks, its last interval and the entry holding it (-1: unprofiled), the thread's
        /// CPU time over it (unused without a CPU clock), the GC pause time that ended in it.
        /// </summary>
        internal static void Apportion(Entry[] entries, int count, long windowTicks, long finalIntervalTicks, int finalEntry,
            bool hasCpuClock, long threadCpuNs, long gcNs, double ticksToNs)
        {
            var windowNs = windowTicks * ticksToNs;
            var finalNs = Math.Min(finalIntervalTicks * ticksToNs, windowNs);
            var prefixNs = windowNs - finalNs;
            var cpuNs = hasCpuClock ? Math.Max(0, threadCpuNs) : windowNs;
            var prefixCpu = Math.Min(cpuNs, prefixNs);
            var prefixRate = !hasCpuClock ? 1 : prefixNs > 0 ? prefixCpu / prefixNs : 0;
            // at most one ns per ns too: the CPU clock is read just after the window's end, so a window can read more
            // CPU than wall (the read itself, a few hundred ns); a short last interval must not take that as its own
            var finalRate = !hasCpuClock ? 1 : finalNs > 0 ? Math.Min(1, (cpuNs - prefixCpu) / finalNs) : 0;
            var gcRate = windowNs > 0 ? Math.Min(windowNs, Math.Max(0, gcNs)) / windowNs : 0;
            for (var i = 0; i < count; i++)
            {
                ref var e = ref entries[i];
                var ns = e.Ticks * ticksToNs;
                double cpu;
                if (i == finalEntry)
                {
                    var final = Math.Min(finalNs, ns);
                    cpu = (ns - final) * prefixRate + final * finalRate;
                }
                else cpu = ns * prefixRate;
                if (gcRate > 0)
                {
                    var gc = ns * gcRate;
                    cpu -= Math.Min(cpu, gc - Math.Min(gc, Math.Max(0, ns - cpu))); // off CPU first, then CPU
                    if (gc >= 1) Interlocked.Add(ref e.Node.SelfGcNs, (long)gc);
                }
                if (cpu >= 1) Interlocked.Add(ref e.Node.SelfCpuNs, (long)cpu);
                e.Node = null!;
            }
        }
    }
}
