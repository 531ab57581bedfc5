using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Runtime
{
    /// <summary>
    /// The probe's own cost, measured when the profile is written and taken off its figures (docs/profile-schema.md,
    /// "Probe-cost correction"). Driven through the probe API as woven code calls it.
    /// </summary>
    [TestFixture, NonParallelizable]
    public class ProbeCorrectionTests
    {
        static readonly int Base = Probe.RegisterModule(string.Join("\n",
            "sync\tC.Dense\tC.cs\t1",
            "sync\tC.Leaf\tC.cs\t2"));

        const int Dense = 0, Leaf = 1, Leaves = 20_000;

        static void Call(int id, Action? body = null)
        {
            var token = Probe.Active ? Probe.Enter(Base + id) : 0;
            try { body?.Invoke(); }
            catch { Probe.ExitFault(token); throw; }
            Probe.Exit(token);
        }

        /// <summary>One call of Dense making 20,000 empty leaf calls: nearly all of its recorded time is the probe's.</summary>
        static ProfileFile RecordDense() => RecordDense(Leaves);

        /// <summary>One call of Dense making <paramref name="leaves"/> empty leaf calls, saved and loaded.</summary>
        static ProfileFile RecordDense(int leaves)
        {
            Profiler.Start();
            try { Call(Dense, () => { for (var i = 0; i < leaves; i++) Call(Leaf); }); }
            finally { Profiler.Stop(); }
            var path = Path.Combine(Path.GetTempPath(), "asyncprof-correction-" + Guid.NewGuid().ToString("N") + ".json");
            Profiler.Save(path);
            return ProfileFile.Load(path);
        }

        static JsonElement Correction(ProfileFile p) => p.RootElement.GetProperty("process").GetProperty("probeCorrection");

        [Test]
        public void The_profile_states_the_correction_it_applied()
        {
            var p = RecordDense();
            var c = Correction(p);
            Assert.That(c.ValueKind, Is.EqualTo(JsonValueKind.Object));
            var inside = c.GetProperty("insideNs").GetDouble();
            var outside = c.GetProperty("outsideNs").GetDouble();
            Assert.That(inside, Is.GreaterThan(0), "a recorded call costs something between its own timestamps");
            Assert.That(inside + outside, Is.LessThan(100_000), "a probe pair is nanoseconds, not a tenth of a millisecond");
            Assert.That(c.GetProperty("errorNs").GetDouble(), Is.GreaterThanOrEqualTo(0));
            Assert.That(c.GetProperty("subtractedWallNs").GetInt64(), Is.GreaterThan(0));
            Assert.That(p.RootElement.GetProperty("process").GetProperty("clock").GetString(), Is.AnyOf("tsc", "stopwatch"));
        }

        [Test]
        public void Corrected_figures_are_smaller_than_raw_ones_by_what_the_calibration_says_and_stay_consistent()
        {
            // Two runs compared: a preempted run (a loaded machine) can pay far more than the other, so the pair is
            // recorded up to three times and the closest judged; a correction not applied fails every pair.
            ProfileFile raw, corrected;
            var attempt = 0;
            do
            {
                Environment.SetEnvironmentVariable("ASYNCPROF_CORRECTION", "off");
                try { raw = RecordDense(); }
                finally { Environment.SetEnvironmentVariable("ASYNCPROF_CORRECTION", null); }
                Assert.That(raw.RootElement.GetProperty("process").GetProperty("probeCorrection").ValueKind, Is.EqualTo(JsonValueKind.Null));
                corrected = RecordDense();
            } while (++attempt < 3 && corrected.Function("C.Dense").WallNs >= raw.Function("C.Dense").WallNs / 2);

            var c = Correction(corrected);
            var perCall = c.GetProperty("insideNs").GetDouble() + c.GetProperty("outsideNs").GetDouble();
            var dense = corrected.Function("C.Dense");
            Assert.That(dense.Calls, Is.EqualTo(1));
            Assert.That(corrected.Function("C.Leaf").Calls, Is.EqualTo(Leaves), "the correction changes time, never counts");
            // Dense does nothing but call empty leaves: uncorrected, its wall is nearly all probe; corrected, most
            // of that is gone (a factor, not a duration: both runs pay the same probe)
            Assert.That(perCall, Is.GreaterThan(0));
            Assert.That(dense.WallNs, Is.LessThan(raw.Function("C.Dense").WallNs / 2));
            Assert.That(dense.WallNs, Is.GreaterThanOrEqualTo(corrected.Function("C.Leaf").WallNs), "a caller is never shorter than its callees");
            Assert.That(dense.CpuNs, Is.LessThanOrEqualTo(dense.WallNs + 1_000_000));
            ProfileInvariants.AssertHold(corrected);
        }

        [Test]
        public void The_recording_s_own_probe_events_are_sampled_and_scale_the_calibration()
        {
            const int leaves = 100_000;
            var c = Correction(RecordDense(leaves));
            var calibration = c.GetProperty("calibration");
            var inPlace = c.GetProperty("inPlace");
            Assert.That(inPlace.ValueKind, Is.EqualTo(JsonValueKind.Object), "200,000 probe events: enough samples");
            // about one event in 64.5 is sampled (intervals of 1 to 128); a preempted sample is dropped
            var events = inPlace.GetProperty("events").GetInt64();
            Assert.That(events, Is.InRange(2 * leaves / 128, 2 * leaves / 32));
            var enterTail = inPlace.GetProperty("enterTailNs").GetDouble();
            var exitTail = inPlace.GetProperty("exitTailNs").GetDouble();
            Assert.That(enterTail, Is.GreaterThan(0));
            Assert.That(exitTail, Is.GreaterThan(0));
            var loopTails = calibration.GetProperty("enterTailNs").GetDouble() + calibration.GetProperty("exitTailNs").GetDouble();
            Assert.That(loopTails, Is.GreaterThan(0), "the calibration loop samples its tails the same way");
            // what is subtracted is the loop's cost scaled by the tails' ratio (within the file's 3 decimals)
            var scale = (enterTail + exitTail) / loopTails;
            Assert.That(c.GetProperty("insideNs").GetDouble(), Is.EqualTo(calibration.GetProperty("insideNs").GetDouble() * scale).Within(0.01 + 0.001 * scale));
            Assert.That(c.GetProperty("outsideNs").GetDouble(), Is.EqualTo(calibration.GetProperty("outsideNs").GetDouble() * scale).Within(0.01 + 0.001 * scale));
        }

        [Test]
        public void Too_few_sampled_events_leave_the_calibration_alone()
        {
            var calibration = new ProbeCorrection { CalibratedInsideNs = 20, CalibratedOutsideNs = 10, LoopEnterTailNs = 15, LoopExitTailNs = 15, SpreadNs = 1 };
            var few = new ProbeTailTotals();
            var tick = 1 / Clock.TicksToNs;
            few.Add((long)(60 * tick) * 100, 100, (long)(60 * tick) * 100, 100);
            var c = calibration.For(few);
            Assert.That((c.InsideNs, c.OutsideNs, c.InPlaceEvents), Is.EqualTo((20.0, 10.0, 0L)));

            var many = new ProbeTailTotals();
            many.Add(3000 * 1000, 1000, 3000 * 1000, 1000); // 3,000 ticks per sample each way
            var tailNs = 3000 * Clock.TicksToNs;
            c = calibration.For(many);
            Assert.That(c.InPlaceEvents, Is.EqualTo(2000));
            Assert.That(c.InsideNs, Is.EqualTo(20 * (2 * tailNs) / 30).Within(1e-9).Percent);
            Assert.That(c.OutsideNs, Is.EqualTo(10 * (2 * tailNs) / 30).Within(1e-9).Percent);
            Assert.That(c.ErrorNs, Is.EqualTo(2 * tailNs / 30).Within(1e-9).Percent);
            Assert.That((calibration.InsideNs, calibration.OutsideNs), Is.EqualTo((20.0, 10.0)), "the calibration itself is not changed");
        }

        [Test]
        public void A_wall_loses_only_the_CPU_its_subtree_could_give_so_CPU_never_ends_above_it()
        {
            // a leaf of 1,000 calls whose self CPU (10 µs) is less than its pairs' inside part (30 µs): it can give
            // only 10 µs; its busy caller ran 110 µs of CPU in 120 µs of wall, CPU and wall equal over the two
            var snapshot = new ProfileSnapshot();
            var caller = new ProfileSnapshot.CallNodeSnapshot { Calls = 1, WallNs = 120_000, SelfCpuNs = 110_000 };
            var leaf = new ProfileSnapshot.CallNodeSnapshot { ParentIndex = 0, Calls = 1000, WallNs = 100_000, SelfCpuNs = 10_000 };
            snapshot.Nodes.Add(caller);
            snapshot.Nodes.Add(leaf);
            snapshot.SubtractProbeCost(new ProbeCorrection { CalibratedInsideNs = 30, CalibratedOutsideNs = 30 });
            Assert.That(leaf.SelfCpuNs, Is.EqualTo(0));
            Assert.That(caller.SelfCpuNs, Is.EqualTo(110_000 - 30 - 1000 * 30));
            Assert.That(caller.SelfCpuNs + leaf.SelfCpuNs, Is.LessThanOrEqualTo(caller.WallNs), "inclusive CPU within wall, as before the correction");
            Assert.That(leaf.WallNs, Is.EqualTo(90_000), "the leaf's wall lost what its CPU could give");
        }
    }
}
