using System;
using System.Collections.Generic;

namespace AsyncProf
{
    /// <summary>One recording: a calling-context tree and the threads that wrote into it.</summary>
    internal sealed class Session
    {
        static int lastId;

        public readonly int Id;
        public readonly CallNode Root;
        public readonly long StartTimestamp = Clock.Now();
        public readonly DateTime StartedUtc = DateTime.UtcNow;
        public readonly long CpuWindowTicks;
        /// <summary>An interval this long may have blocked: it closes the CPU window (a fifth of the window, 50 µs by default).</summary>
        public readonly long LongIntervalTicks;
        /// <summary>Why recording stopped early, or null (reported as process.error).</summary>
        public string? Error;
        public long StopTimestamp;
        /// <summary>False once stopped: late events of its calls (a resume after Stop) are ignored.</summary>
        public volatile bool Recording = true;
        readonly List<ThreadRecorder> threads = new List<ThreadRecorder>();

        /// <summary>Time blocked per blocking call site (see <see cref="BlockingSites"/>), by site id.</summary>
        public readonly System.Collections.Concurrent.ConcurrentDictionary<int, BlockingSiteStats> Blocking =
            new System.Collections.Concurrent.ConcurrentDictionary<int, BlockingSiteStats>();

        /// <summary>The per-call timeline, when this session records one (it then reads the CPU clock at every event).</summary>
        public readonly Timeline? Timeline;

        /// <summary>The probe's cost sampled in place by the threads recording into this session (see <see cref="ProbeTailSampler"/>).</summary>
        public readonly ProbeTailTotals ProbeTails = new ProbeTailTotals();

        /// <summary>Records one execution-context flow (<see cref="Profiler.StartScope()"/>), not the whole process.</summary>
        public readonly bool IsScope;

        public Session(long cpuWindowNs, Timeline? timeline = null, bool isScope = false)
        {
            IsScope = isScope;
            Id = System.Threading.Interlocked.Increment(ref lastId);
            Root = new CallNode(-1, null, this);
            Timeline = timeline;
            if (timeline != null) cpuWindowNs = 0;
            CpuWindowNs = cpuWindowNs;
            CpuWindowTicks = (long)(cpuWindowNs * (Clock.Frequency / 1e9));
            LongIntervalTicks = CpuWindowTicks / 5;
        }

        public long CpuWindowNs { get; }

        public void AddThread(ThreadRecorder thread)
        {
            lock (threads)
                if (!threads.Contains(thread)) threads.Add(thread); // a recorder may leave and come back
        }

        public ThreadRecorder[] Threads()
        {
            lock (threads) return threads.ToArray();
        }
    }
}
