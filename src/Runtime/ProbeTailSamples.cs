using System.Threading;

namespace AsyncProf
{
    /// <summary>
    /// The probe's cost measured in place, as the recorded program runs: about one sync entry or exit in 64, picked
    /// at random, is timed from its clock reading to its end (its "tail": finding the node, counting, pushing or
    /// popping the frame, closing a CPU window). The calibration loop (<see cref="ProbeCorrection"/>) runs the probe
    /// with its caches warm and one node; a real program's tree is wide and its own code evicts the probe's data, so
    /// the same events cost it more (on a Newtonsoft.Json workload, 76 ns of tail per call against the loop's 55).
    /// The correction adds the difference. A mutable struct held in a field of its <see cref="ThreadRecorder"/>:
    /// used in place, never copied.
    /// </summary>
    internal struct ProbeTailSampler
    {
        /// <summary>Events until the next sample; the probe decrements it and samples at 0.</summary>
        public int Countdown;
        uint seed;
        long enterTicks, enters, exitTicks, exits;

        /// <summary>A sample longer than this (ticks) was preempted or ran into a GC: not the probe's cost, dropped.</summary>
        static readonly long MaxSampleTicks = (long)(20_000 / Clock.TicksToNs);

        /// <summary>Starts sampling afresh (a recorder taking a new session).</summary>
        public void Reset(int threadId)
        {
            this = default;
            seed = (uint)threadId * 2654435761u | 1;
            Countdown = NextInterval();
        }

        /// <summary>A sampled entry whose clock reading was <paramref name="start"/> ends now.</summary>
        public void EnterEnded(long start) => Ended(start, ref enterTicks, ref enters);

        /// <summary>A sampled exit whose clock reading was <paramref name="start"/> ends now.</summary>
        public void ExitEnded(long start) => Ended(start, ref exitTicks, ref exits);

        void Ended(long start, ref long sum, ref long count)
        {
            var ticks = Clock.Now() - start;
            if (ticks < MaxSampleTicks) { sum += ticks; count++; }
            Countdown = NextInterval();
        }

        /// <summary>Adds the samples to <paramref name="totals"/> and starts gathering anew.</summary>
        public void FlushTo(ProbeTailTotals totals)
        {
            if (enters == 0 && exits == 0) return;
            totals.Add(enterTicks, enters, exitTicks, exits);
            enterTicks = enters = exitTicks = exits = 0;
        }

        /// <summary>1 to 128 events (xorshift): a fixed interval could keep picking the same event of a loop.</summary>
        int NextInterval()
        {
            var x = seed;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            seed = x;
            return 1 + (int)(x & 127);
        }
    }

    /// <summary>A session's sampled probe tails (<see cref="ProbeTailSampler"/>), added by its threads at each CPU-window close.</summary>
    internal sealed class ProbeTailTotals
    {
        long enterTicks, enters, exitTicks, exits;

        public void Add(long enterTicks, long enters, long exitTicks, long exits)
        {
            Interlocked.Add(ref this.enterTicks, enterTicks);
            Interlocked.Add(ref this.enters, enters);
            Interlocked.Add(ref this.exitTicks, exitTicks);
            Interlocked.Add(ref this.exits, exits);
        }

        public void Add(ProbeTailTotals other) =>
            Add(Interlocked.Read(ref other.enterTicks), other.Enters, Interlocked.Read(ref other.exitTicks), other.Exits);

        public long Enters => Interlocked.Read(ref enters);
        public long Exits => Interlocked.Read(ref exits);
        public double EnterTailNs => Mean(ref enterTicks, ref enters);
        public double ExitTailNs => Mean(ref exitTicks, ref exits);

        static double Mean(ref long ticks, ref long count)
        {
            var n = Interlocked.Read(ref count);
            return n == 0 ? 0 : Interlocked.Read(ref ticks) * Clock.TicksToNs / n;
        }
    }
}
