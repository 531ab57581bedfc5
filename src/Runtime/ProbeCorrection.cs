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
    /// compiled by the optimizing tier, which a measurement at session start could not count on. The loop's figures
    /// are then scaled to what the same probe events cost in the recording itself (<see cref="For"/>,
    /// <see cref="ProbeTailSampler"/>).
    /// </summary>
    internal sealed class ProbeCorrection
    {
        /// <summary>The calibration loop's own figures, and its sampled tails (the same sampler as in place).</summary>
        public double CalibratedInsideNs, CalibratedOutsideNs, LoopEnterTailNs, LoopExitTailNs;
        /// <summary>Half the range of the loop's per-call cost over the rounds.</summary>
        public double SpreadNs;
        public int Rounds, CallsPerRound;
        /// <summary>Sampled events of the recording itself, and their mean tails; 0 events: too few were sampled, the calibration stands alone.</summary>
        public long InPlaceEvents;
        public double InPlaceEnterTailNs, InPlaceExitTailNs;
        /// <summary>How much more (or less) the probe's tails cost in place than in the loop: 1 without an in-place measurement (see <see cref="For"/>).</summary>
        public double Scale = 1;
        /// <summary>Wall time taken off the whole tree (sum over nodes of what each one's own figure lost).</summary>
        public long SubtractedWallNs;

        /// <summary>What is subtracted per probe pair, inside the call and in its caller, and the stated error per corrected call.</summary>
        public double InsideNs => CalibratedInsideNs * Scale;
        public double OutsideNs => CalibratedOutsideNs * Scale;
        public double ErrorNs => SpreadNs * Scale;
        public double PerCallNs => InsideNs + OutsideNs;

        /// <summary>Fewer sampled entries or exits than this in a recording (a short scope): its mean is noise, not used.</summary>
        public const int MinInPlaceSamples = 256;

        /// <summary>
        /// This calibration applied to a recording whose threads sampled <paramref name="inPlace"/>. A tail's
        /// latency is not all cost: the CPU overlaps part of it with the code around it (in the loop, a probe pair
        /// costs about 0.7 of its tails' latency). So the loop's cost is scaled by how much longer (or shorter) the
        /// same tails took in place, which carries its own ratio of cost to latency over to the recording.
        /// </summary>
        public ProbeCorrection For(ProbeTailTotals inPlace)
        {
            var c = CopyCalibration();
            var loopTails = LoopEnterTailNs + LoopExitTailNs;
            if (inPlace.Enters < MinInPlaceSamples || inPlace.Exits < MinInPlaceSamples || loopTails <= 0) return c;
            c.InPlaceEvents = inPlace.Enters + inPlace.Exits;
            c.InPlaceEnterTailNs = inPlace.EnterTailNs;
            c.InPlaceExitTailNs = inPlace.ExitTailNs;
            c.Scale = (c.InPlaceEnterTailNs + c.InPlaceExitTailNs) / loopTails;
            return c;
        }

        /// <summary>The calibration alone (what a cached one shares): nothing in place, nothing subtracted yet.</summary>
        public ProbeCorrection CopyCalibration() => new ProbeCorrection
        {
            SpreadNs = SpreadNs,
            Rounds = Rounds,
            CallsPerRound = CallsPerRound,
            CalibratedInsideNs = CalibratedInsideNs,
            CalibratedOutsideNs = CalibratedOutsideNs,
            LoopEnterTailNs = LoopEnterTailNs,
            LoopExitTailNs = LoopExitTailNs,
        };

        /// <summary>NoInlining | AggressiveOptimization (512, not named in netstandard2.0): optimized from the first call.</summary>
        const MethodImplOptions Compiled = MethodImplOptions.NoInlining | (MethodImplOptions)512;
        const int RoundCount = 9, Calls = 4000;
        const int ParentFunction = int.MaxValue - 1, LeafFunction = int.MaxValue - 2; // never written: the session is thrown away

        /// <summary>ASYNCPROF_CORRECTION=off: profiles are written uncorrected.</summary>
        public static bool SwitchedOff => EnvironmentSettings.CorrectionOff;

        /// <summary>The calibration, for sessions like <paramref name="like"/>: null when switched off (ASYNCPROF_CORRECTION=off) or when the measurement failed.</summary>
        public static ProbeCorrection? Measure(Session like)
        {
            if (SwitchedOff) return null;
            try
            {
                var totals = new double[RoundCount];
                var insides = new double[RoundCount];
                var tails = new ProbeTailTotals();
                Round(like, Calls / 4, out _, new ProbeTailTotals()); // first calls: compile the loops
                for (var r = 0; r < RoundCount; r++)
                {
                    var plain = PlainRound(Calls);
                    totals[r] = Math.Max(0, Round(like, Calls, out insides[r], tails) - plain);
                    insides[r] = Math.Max(0, insides[r] - plain); // the leaf's own timing holds its body (and its call) too
                }
                Array.Sort(totals);
                Array.Sort(insides);
                var total = totals[RoundCount / 2];
                var inside = Math.Min(insides[RoundCount / 2], total);
                return new ProbeCorrection
                {
                    CalibratedInsideNs = inside,
                    CalibratedOutsideNs = total - inside,
                    LoopEnterTailNs = tails.EnterTailNs,
                    LoopExitTailNs = tails.ExitTailNs,
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

        /// <summary>ns per call of the woven empty method, recorded into a throwaway session like <paramref name="like"/>; its sampled tails go to <paramref name="tails"/>.</summary>
        static double Round(Session like, int calls, out double insideNs, ProbeTailTotals tails)
        {
            var session = new Session(like.CpuWindowNs, like.Timeline != null ? new Timeline(calls * 2) : null, isScope: like.IsScope);
            try
            {
                var parent = Recorder.EnterInto(session, ParentFunction);
                var elapsed = WovenRound(session, calls);
                Recorder.Exit(parent, faulted: false);
                ThreadRecorders.Existing(session)?.Tails.FlushTo(session.ProbeTails);
                tails.Add(session.ProbeTails);
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
