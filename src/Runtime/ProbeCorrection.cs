using System;
using System.Runtime.CompilerServices;

namespace AsyncProf
{
    /// <summary>
    /// What the probe itself costs per recorded call, measured on this machine and subtracted from the profile's
    /// figures, so a call-dense function is not shown several times slower than it runs unprofiled.
    /// A recorded call pays the probe twice over: <see cref="InsideNs"/> falls between its own start and end
    /// timestamps (the callee's wall and self CPU grow by it), <see cref="OutsideNs"/> falls before its start and
    /// after its end (its caller's self time grows by it). Measured by calling an empty method woven the way the
    /// weaver weaves (forwarder, Enter, try/fault, Exit) against the same method unwoven, in a session of the same
    /// settings, on the thread that writes the profile, when it is written: by then the probe's code has been
    /// compiled by the optimizing tier, which a measurement at session start could not count on.
    /// </summary>
    internal sealed class ProbeCorrection
    {
        public double InsideNs, OutsideNs;
        /// <summary>Half the range of the per-call cost over the rounds: the stated error per corrected call.</summary>
        public double SpreadNs;
        public int Rounds, CallsPerRound;
        /// <summary>Wall time taken off the whole tree (sum over nodes of what each one's own figure lost).</summary>
        public long SubtractedWallNs;

        public double PerCallNs => InsideNs + OutsideNs;

        /// <summary>NoInlining | AggressiveOptimization (512, not named in netstandard2.0): optimized from the first call.</summary>
        const MethodImplOptions Compiled = MethodImplOptions.NoInlining | (MethodImplOptions)512;
        const int RoundCount = 9, Calls = 4000;
        const int ParentFunction = int.MaxValue - 1, LeafFunction = int.MaxValue - 2; // never written: the session is thrown away

        /// <summary>ASYNCPROF_CORRECTION=off: profiles are written uncorrected.</summary>
        public static bool SwitchedOff => EnvironmentSettings.CorrectionOff;

        /// <summary>Null when switched off (ASYNCPROF_CORRECTION=off) or when the measurement failed.</summary>
        public static ProbeCorrection? Measure(Session like)
        {
            if (SwitchedOff) return null;
            try
            {
                var totals = new double[RoundCount];
                var insides = new double[RoundCount];
                Round(like, Calls / 4, out _); // first calls: compile the loops
                for (var r = 0; r < RoundCount; r++)
                {
                    var plain = PlainRound(Calls);
                    totals[r] = Math.Max(0, Round(like, Calls, out insides[r]) - plain);
                    insides[r] = Math.Max(0, insides[r] - plain); // the leaf's own timing holds its body (and its call) too
                }
                Array.Sort(totals);
                Array.Sort(insides);
                var total = totals[RoundCount / 2];
                var inside = Math.Min(insides[RoundCount / 2], total);
                return new ProbeCorrection
                {
                    InsideNs = inside,
                    OutsideNs = total - inside,
                    SpreadNs = (totals[RoundCount - 2] - totals[1]) / 2, // the extreme rounds are preemptions, not spread
                    Rounds = RoundCount,
                    CallsPerRound = Calls,
                };
            }
            catch (Exception)
            {
                return null; // a failed measurement must not cost the profile: it is written uncorrected
            }
        }

        /// <summary>ns per call of the woven empty method, recorded into a throwaway session like <paramref name="like"/>.</summary>
        static double Round(Session like, int calls, out double insideNs)
        {
            var session = new Session(like.CpuWindowNs, like.Timeline != null ? new Timeline(calls * 2) : null, isScope: like.IsScope);
            try
            {
                var parent = Recorder.EnterInto(session, ParentFunction);
                var elapsed = WovenRound(session, calls);
                Recorder.Exit(parent, faulted: false);
                var leaf = session.Root.FirstChild?.FirstChild;
                insideNs = leaf == null || leaf.Calls == 0 ? 0 : leaf.WallTicks * Clock.TicksToNs / leaf.Calls; // body included: taken off by the caller
                return elapsed * Clock.TicksToNs / calls;
            }
            finally
            {
                session.Recording = false; // frees its slot on this thread for the next session
            }
        }

        [MethodImpl(Compiled)]
        static long WovenRound(Session session, int calls)
        {
            var start = Clock.Now();
            for (var i = 0; i < calls; i++) WovenEmpty(session, i);
            return Clock.Now() - start;
        }

        [MethodImpl(Compiled)]
        static double PlainRound(int calls)
        {
            var start = Clock.Now();
            for (var i = 0; i < calls; i++) PlainEmpty(null, i);
            return (Clock.Now() - start) * Clock.TicksToNs / calls;
        }

        // The two shapes the weaver produces: the idle body forwarding to its profiled copy, which records.
        [MethodImpl(Compiled)]
        static int WovenEmpty(Session? session, int x) => session != null ? WovenEmptyProfiled(session, x) : x;

        [MethodImpl(Compiled)]
        static int WovenEmptyProfiled(Session session, int x)
        {
            var token = Recorder.EnterInto(session, LeafFunction);
            int result;
            try { result = Body(x); }
            catch { Probe.ExitFault(token); throw; }
            Probe.Exit(token);
            return result;
        }

        [MethodImpl(Compiled)]
        static int PlainEmpty(Session? session, int x) => session != null ? -x : Body(x);

        /// <summary>
        /// A few nanoseconds of dependent arithmetic, inlined into both twins: with an empty body the probe's two
        /// events run back to back and cost more than between real code, which the CPU overlaps with them (an
        /// empty body over-corrected a Newtonsoft.Json workload by a quarter).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static int Body(int x)
        {
            for (var k = 0; k < 8; k++) x = x * 31 + k;
            return x;
        }
    }
}
