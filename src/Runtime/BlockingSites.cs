using System;
using System.Threading;

namespace AsyncProf
{
    /// <summary>A blocking call site in woven code: the function it is in, what it calls, where.</summary>
    internal sealed class BlockingSiteInfo
    {
        public int FunctionId;
        public string Call = "", File = "";
        public int Line;
    }

    /// <summary>One session's time blocked at one site.</summary>
    internal sealed class BlockingSiteStats
    {
        public long Count, Ticks, MaxTicks, PoolCount, PoolTicks;

        public void Add(long ticks, bool poolThread)
        {
            Interlocked.Increment(ref Count);
            Interlocked.Add(ref Ticks, ticks);
            for (var max = Volatile.Read(ref MaxTicks); ticks > max; max = Volatile.Read(ref MaxTicks))
                if (Interlocked.CompareExchange(ref MaxTicks, ticks, max) == max) break;
            if (!poolThread) return;
            Interlocked.Increment(ref PoolCount);
            Interlocked.Add(ref PoolTicks, ticks);
        }
    }

    /// <summary>
    /// Every blocking site of every loaded woven module, by global id (registered like <see cref="FunctionTable"/>;
    /// table format written by the weaver: one line per site, "methodIndex\tcall\tfile\tline", the method index
    /// relative to the module's function base). Time blocked goes to the session the blocking flow records into: its
    /// scope's (ProfilingScope, per-request profiling) if it has one, else the whole-process session.
    /// </summary>
    internal static class BlockingSites
    {
        static readonly AppendOnlyTable<BlockingSiteInfo> sites = new AppendOnlyTable<BlockingSiteInfo>(64);

        public static int Register(string table, int functionBase) => sites.Append(table, line =>
        {
            var parts = line.Split('\t');
            var info = new BlockingSiteInfo();
            if (parts.Length > 0 && int.TryParse(parts[0], out var index)) info.FunctionId = functionBase + index;
            if (parts.Length > 1) info.Call = parts[1];
            if (parts.Length > 2) info.File = parts[2];
            if (parts.Length > 3) int.TryParse(parts[3], out info.Line);
            return info;
        });

        public static BlockingSiteInfo? Get(int site) => sites.Get(site);

        /// <summary>
        /// A call shorter than this did not block (an uncontended lock, a wait already satisfied): it costs its two
        /// clock reads and nothing more, and is not counted.
        /// </summary>
        internal static readonly long MinBlockTicks = Math.Max(1, (long)(1_000 / Clock.TicksToNs)); // 1 µs

        public static void Record(int site, long start)
        {
            var ticks = Clock.Now() - start;
            if (ticks < MinBlockTicks) return;
            var session = Sessions.Resolve(); // the flow's scope if it has one: a scoped profile holds its own flow's blocking only
            if (session == null || !session.Recording) return;
            try
            {
                var stats = session.Blocking.GetOrAdd(site, _ => new BlockingSiteStats()); // allocates once per site
                stats.Add(ticks, Thread.CurrentThread.IsThreadPoolThread);
            }
            catch (Exception e) { Recorder.Fail(e, session); }
        }
    }
}
