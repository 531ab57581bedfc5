using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace AsyncProf.Tests.Runtime
{
    /// <summary>The per-call timeline: one segment per stretch of running code, linked to its call and caller.</summary>
    [TestFixture, NonParallelizable]
    public class TimelineTests
    {
        static readonly int Base = Probe.RegisterModule("async\tTL.Handler\tT.cs\t1\nsync\tTL.Step\tT.cs\t2");

        static JsonElement RecordTimeline(Action body, int capacity = 1000)
        {
            Profiler.Start(new ProfilerOptions { RecordTimeline = true, TimelineCapacity = capacity });
            try { body(); }
            finally { Profiler.Stop(); }
            var path = Path.Combine(Path.GetTempPath(), "asyncprof-timeline-" + Guid.NewGuid().ToString("N") + ".json");
            Profiler.Save(path);
            return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        }

        static void Step()
        {
            var token = Probe.Active ? Probe.Enter(Base + 1) : 0;
            Thread.SpinWait(20000);
            Probe.Exit(token);
        }

        [Test]
        public void An_async_call_leaves_one_segment_per_running_stretch_sharing_its_call_id()
        {
            var root = RecordTimeline(() =>
            {
                var call = new AsyncCall();
                Probe.AsyncMoveNext(ref call, Base);
                Step();
                Probe.Suspend(ref call);
                Probe.MoveNextReturn(); // the suspended MoveNext returns
                var resumed = call;
                Task.Run(() =>
                {
                    Probe.AsyncMoveNext(ref resumed, Base);
                    Step();
                    Probe.Complete(ref resumed);
                }).Wait();
            });
            var timeline = root.GetProperty("timeline");
            var segments = timeline.GetProperty("segments").EnumerateArray().ToList();
            var handlerId = root.GetProperty("functions").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "TL.Handler").GetProperty("id").GetInt64();
            var handler = segments.Where(s => s.GetProperty("function").GetInt64() == handlerId).ToList();
            var steps = segments.Where(s => s.GetProperty("function").GetInt64() != handlerId).ToList();

            Assert.That(handler.Select(s => s.GetProperty("end").GetString()), Is.EqualTo(new[] { "suspend", "complete" }));
            Assert.That(handler.Select(s => s.GetProperty("call").GetInt64()).Distinct().Count(), Is.EqualTo(1));
            Assert.That(steps, Has.Count.EqualTo(2));
            Assert.That(steps.Select(s => s.GetProperty("parentCall").GetInt64()), Is.All.EqualTo(handler[0].GetProperty("call").GetInt64()));
            Assert.That(steps.Select(s => s.GetProperty("end").GetString()), Is.All.EqualTo("exit"));
            foreach (var s in segments)
            {
                Assert.That(s.GetProperty("endNs").GetInt64(), Is.GreaterThanOrEqualTo(s.GetProperty("startNs").GetInt64()));
                Assert.That(s.GetProperty("cpuNs").GetInt64(), Is.LessThanOrEqualTo(s.GetProperty("endNs").GetInt64() - s.GetProperty("startNs").GetInt64() + 1_000_000));
            }
            var threads = timeline.GetProperty("threads").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()).ToList();
            Assert.That(handler.Select(s => s.GetProperty("thread").GetInt32()), Is.All.AnyOf(threads.Cast<object>().ToArray()));
            Assert.That(timeline.GetProperty("droppedSegments").GetInt64(), Is.EqualTo(0));
        }

        [Test]
        public void A_full_ring_keeps_the_newest_segments_and_counts_the_dropped_ones()
        {
            var root = RecordTimeline(() => { for (var i = 0; i < 50; i++) Step(); }, capacity: 20);
            var timeline = root.GetProperty("timeline");
            Assert.That(timeline.GetProperty("segments").GetArrayLength(), Is.EqualTo(20));
            Assert.That(timeline.GetProperty("droppedSegments").GetInt64(), Is.EqualTo(30));
            var step = root.GetProperty("functions").EnumerateArray().Single();
            Assert.That(step.GetProperty("calls").GetInt64(), Is.EqualTo(50), "the aggregate keeps every call");
        }
    }
}
