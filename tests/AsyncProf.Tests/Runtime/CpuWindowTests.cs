using NUnit.Framework;

namespace AsyncProf.Tests.Runtime
{
    /// <summary>
    /// The CPU window's apportioning fed synthetic readings (no clock is read): one tick is one ns, and the figures
    /// are powers of two so every share is exact. Each node's SelfCpuNs and SelfGcNs are what the window gave it.
    /// </summary>
    [TestFixture]
    public class CpuWindowTests
    {
        static readonly Session Session = new Session(cpuWindowNs: 1_000_000);

        static CallNode NewNode(int functionId) => new CallNode(functionId, Session.Root, Session);

        /// <summary>A window started at 0 on every reading, with these intervals in order (null: no profiled frame on top).</summary>
        static CpuWindow WindowOf(params (CallNode? node, long ticks)[] intervals)
        {
            var w = new CpuWindow(4);
            w.Start(ticks: 0, cpuNs: 0, gcNs: 0);
            foreach (var (node, ticks) in intervals)
            {
                if (node != null && !w.Add(node, ticks))
                {
                    w.Grow();
                    Assert.That(w.Add(node, ticks), Is.True, "a grown window takes the entry");
                }
                w.EndInterval(node, ticks);
            }
            return w;
        }

        [Test]
        public void All_busy_every_interval_gets_its_wall_time_as_CPU()
        {
            var a = NewNode(1);
            var b = NewNode(2);
            var w = WindowOf((a, 256), (b, 512), (a, 256));
            w.Close(now: 1024, hasCpuClock: true, cpuNow: 1024, gcNow: 0, ticksToNs: 1);
            Assert.That(a.SelfCpuNs, Is.EqualTo(512));
            Assert.That(b.SelfCpuNs, Is.EqualTo(512));
            Assert.That(a.SelfGcNs + b.SelfGcNs, Is.EqualTo(0));
        }

        [Test]
        public void A_blocked_last_interval_gets_only_the_CPU_the_busy_ones_left()
        {
            var a = NewNode(1);
            var b = NewNode(2);
            var w = WindowOf((a, 512), (b, 512));
            w.Close(now: 1024, hasCpuClock: true, cpuNow: 640, gcNow: 0, ticksToNs: 1);
            Assert.That(a.SelfCpuNs, Is.EqualTo(512), "the intervals before the last ran at one ns per ns");
            Assert.That(b.SelfCpuNs, Is.EqualTo(128), "the last interval gets the rest");
        }

        [Test]
        public void Less_CPU_than_the_busy_intervals_wall_is_shared_by_them_and_the_last_gets_none()
        {
            var a = NewNode(1);
            var b = NewNode(2);
            var c = NewNode(3);
            var w = WindowOf((a, 256), (b, 256), (c, 512));
            w.Close(now: 1024, hasCpuClock: true, cpuNow: 256, gcNow: 0, ticksToNs: 1);
            Assert.That(a.SelfCpuNs, Is.EqualTo(128));
            Assert.That(b.SelfCpuNs, Is.EqualTo(128));
            Assert.That(c.SelfCpuNs, Is.EqualTo(0));
        }

        [Test]
        public void An_unprofiled_last_interval_takes_its_CPU_to_nobody()
        {
            var a = NewNode(1);
            var w = WindowOf((a, 512), (null, 512));
            w.Close(now: 1024, hasCpuClock: true, cpuNow: 768, gcNow: 0, ticksToNs: 1);
            Assert.That(a.SelfCpuNs, Is.EqualTo(512), "its own busy time, none of the last interval's 256");
        }

        [Test]
        public void Without_a_CPU_clock_wall_time_stands_for_CPU_and_the_reading_is_ignored()
        {
            var a = NewNode(1);
            var b = NewNode(2);
            var w = WindowOf((a, 512), (b, 512));
            w.Close(now: 1024, hasCpuClock: false, cpuNow: 12345, gcNow: 0, ticksToNs: 1);
            Assert.That(a.SelfCpuNs, Is.EqualTo(512));
            Assert.That(b.SelfCpuNs, Is.EqualTo(512), "even the last interval, which may have blocked");
        }

        [Test]
        public void A_GC_pause_comes_out_of_off_CPU_time_first()
        {
            var busy = NewNode(1);
            var blocked = NewNode(2);
            var w = WindowOf((busy, 512), (blocked, 512));
            // blocked: 128 ns on CPU, 384 off; the pause (256) is shared like wall time, 128 each
            w.Close(now: 1024, hasCpuClock: true, cpuNow: 640, gcNow: 256, ticksToNs: 1);
            Assert.That(busy.SelfGcNs, Is.EqualTo(128));
            Assert.That(busy.SelfCpuNs, Is.EqualTo(384), "no off-CPU time: its share comes out of its CPU");
            Assert.That(blocked.SelfGcNs, Is.EqualTo(128));
            Assert.That(blocked.SelfCpuNs, Is.EqualTo(128), "its share fits in its off-CPU time");
        }

        [Test]
        public void A_GC_pause_beyond_the_off_CPU_time_comes_out_of_CPU_then()
        {
            var busy = NewNode(1);
            var blocked = NewNode(2);
            var w = WindowOf((busy, 512), (blocked, 512));
            // the pause (896) gives 448 each; blocked is off CPU 384 of them, the other 64 come out of its 128 ns of CPU
            w.Close(now: 1024, hasCpuClock: true, cpuNow: 640, gcNow: 896, ticksToNs: 1);
            Assert.That(busy.SelfGcNs, Is.EqualTo(448));
            Assert.That(busy.SelfCpuNs, Is.EqualTo(64));
            Assert.That(blocked.SelfGcNs, Is.EqualTo(448));
            Assert.That(blocked.SelfCpuNs, Is.EqualTo(64));
        }

        [Test]
        public void A_GC_pause_counts_at_most_the_window_wall()
        {
            var a = NewNode(1);
            var b = NewNode(2);
            var w = WindowOf((a, 512), (b, 512));
            w.Close(now: 1024, hasCpuClock: true, cpuNow: 1024, gcNow: 5000, ticksToNs: 1);
            Assert.That(a.SelfGcNs, Is.EqualTo(512));
            Assert.That(b.SelfGcNs, Is.EqualTo(512));
            Assert.That(a.SelfCpuNs + b.SelfCpuNs, Is.EqualTo(0));
        }

        [Test]
        public void A_window_with_one_node_gives_it_the_busy_part_and_the_last_interval_its_share()
        {
            var a = NewNode(1);
            var w = WindowOf((a, 512), (a, 256), (a, 256));
            Assert.That(w.Count, Is.EqualTo(1), "consecutive intervals of one node share an entry");
            Assert.That(w.ProfiledTicks, Is.EqualTo(1024));
            // the last 256 ticks are the final interval: 768 busy at one ns per ns, then (832 - 768) / 256 per ns
            w.Close(now: 1024, hasCpuClock: true, cpuNow: 832, gcNow: 0, ticksToNs: 1);
            Assert.That(a.SelfCpuNs, Is.EqualTo(832));
        }

        [Test]
        public void A_node_keeps_one_entry_however_its_intervals_alternate_with_others()
        {
            var a = NewNode(1);
            var b = NewNode(2);
            var w = WindowOf((a, 128), (a, 128), (b, 256), (a, 256), (a, 128), (b, 64), (b, 64));
            Assert.That(w.Count, Is.EqualTo(2), "a caller and its callee alternating on top: one entry each");
            Assert.That(w.ProfiledTicks, Is.EqualTo(1024));
            // the final interval (b, 64) is part of b's entry (384): it gets (992 - 960) / 64 per ns, the rest one
            w.Close(now: 1024, hasCpuClock: true, cpuNow: 992, gcNow: 0, ticksToNs: 1);
            Assert.That(a.SelfCpuNs, Is.EqualTo(256 + 384));
            Assert.That(b.SelfCpuNs, Is.EqualTo(256 + 64 + 32));
        }

        [Test]
        public void Nodes_sharing_a_slot_may_take_more_entries_but_get_the_same_shares()
        {
            var a = NewNode(1);
            CallNode b;
            do b = NewNode(2); while (b.ThreadSlot != a.ThreadSlot);
            var w = WindowOf((a, 128), (b, 128), (a, 256), (b, 256), (a, 64), (b, 192));
            Assert.That(w.Count, Is.InRange(2, 6));
            // the final interval (b, 192) gets (896 - 832) / 192 per ns, everything before it one ns per ns
            w.Close(now: 1024, hasCpuClock: true, cpuNow: 896, gcNow: 0, ticksToNs: 1);
            Assert.That(a.SelfCpuNs, Is.EqualTo(128 + 256 + 64));
            Assert.That(b.SelfCpuNs, Is.EqualTo(128 + 256 + 64));
        }

        [Test]
        public void A_window_that_reads_more_CPU_than_wall_gives_no_interval_more_CPU_than_its_wall()
        {
            // the CPU clock is read after the window's end: here it read 300 ns more than the window's wall
            var a = NewNode(1);
            var b = NewNode(2);
            var w = WindowOf((a, 960), (b, 64));
            w.Close(now: 1024, hasCpuClock: true, cpuNow: 1324, gcNow: 0, ticksToNs: 1);
            Assert.That(a.SelfCpuNs, Is.EqualTo(960));
            Assert.That(b.SelfCpuNs, Is.EqualTo(64), "the short last interval runs at most one ns per ns");
        }

        [Test]
        public void A_window_started_again_forgets_its_entries()
        {
            var a = NewNode(1);
            var b = NewNode(2);
            var w = WindowOf((a, 100), (b, 100), (a, 100));
            w.Close(now: 300, hasCpuClock: true, cpuNow: 300, gcNow: 0, ticksToNs: 1);
            // b first in the new window: a's old entry index must not take b's or a's ticks
            w.Add(b, 50);
            w.EndInterval(b, 50);
            w.Add(a, 50);
            w.EndInterval(a, 50);
            Assert.That(w.Count, Is.EqualTo(2));
            w.Close(now: 400, hasCpuClock: true, cpuNow: 400, gcNow: 0, ticksToNs: 1);
            Assert.That((a.SelfCpuNs, b.SelfCpuNs), Is.EqualTo((250L, 150L)));
        }

        [Test]
        public void A_full_window_refuses_an_entry_until_it_grows_and_merging_needs_no_room()
        {
            var a = NewNode(1);
            var b = NewNode(2);
            var c = NewNode(3);
            var w = new CpuWindow(2);
            w.Start(ticks: 0, cpuNs: 0, gcNs: 0);
            Assert.That(w.Add(a, 10), Is.True);
            Assert.That(w.Add(b, 10), Is.True);
            Assert.That(w.Add(b, 10), Is.True, "merging into the last entry");
            Assert.That(w.Add(c, 10), Is.False);
            Assert.That(w.ProfiledTicks, Is.EqualTo(30), "a refused interval is not counted");
            w.Grow();
            Assert.That(w.Add(c, 10), Is.True);
            Assert.That(w.Count, Is.EqualTo(3));
            Assert.That(w.ProfiledTicks, Is.EqualTo(40));
        }

        [Test]
        public void Readings_count_from_the_window_start_and_closing_starts_the_next_window_there()
        {
            var a = NewNode(1);
            var w = new CpuWindow(4);
            w.Start(ticks: 10_000, cpuNs: 5_000, gcNs: 7_000);
            w.Add(a, 512);
            w.EndInterval(a, 512);
            w.Add(a, 512);
            w.EndInterval(a, 512);
            w.Close(now: 11_024, hasCpuClock: true, cpuNow: 5_768, gcNow: 7_256, ticksToNs: 1);
            // 768 ns of CPU and 256 of GC over 1024 of wall: one entry, so the pause fits in its 256 ns off CPU
            Assert.That(a.SelfGcNs, Is.EqualTo(256));
            Assert.That(a.SelfCpuNs, Is.EqualTo(768));
            Assert.That((w.StartTicks, w.StartCpuNs, w.StartGcNs), Is.EqualTo((11_024L, 5_768L, 7_256L)));
            Assert.That((w.Count, w.ProfiledTicks), Is.EqualTo((0, 0L)));
            w.Close(now: 12_048, hasCpuClock: true, cpuNow: 6_792, gcNow: 7_256, ticksToNs: 1);
            Assert.That(a.SelfCpuNs, Is.EqualTo(768), "an empty window gives nothing");
        }

        [Test]
        public void Ticks_are_converted_at_the_clock_rate()
        {
            var a = NewNode(1);
            var b = NewNode(2);
            var w = WindowOf((a, 64), (b, 64));
            w.Close(now: 128, hasCpuClock: true, cpuNow: 320, gcNow: 0, ticksToNs: 4);
            Assert.That(a.SelfCpuNs, Is.EqualTo(256), "64 ticks of 4 ns, busy");
            Assert.That(b.SelfCpuNs, Is.EqualTo(64), "the rest of 320 ns");
        }
    }
}
