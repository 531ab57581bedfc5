using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports.Exporters
{
    using AsyncProf.Reports;
    using AsyncProf.Reports.Exporters;
    using AsyncProf.Tests.Infrastructure;

    /// <summary>
    /// The Chrome trace exporter, checked against the Trace Event Format's rules as Perfetto's JSON importer applies
    /// them (X slices nest per thread, b/e pairs match by cat, id and name, flows pair s and f by cat, name and id,
    /// every s/f sits inside a slice of its thread) and against the timeline and the native totals.
    /// No real trace viewer runs here, so these rules stand in for one: Debian's Chromium refuses chrome://tracing
    /// (internal debugging pages are disabled; enabled through Local State, the headless browser still fails to load
    /// it: net::ERR_FAILED), and neither Debian nor npm packages the Perfetto UI or catapult's trace-viewer.
    /// </summary>
    [TestFixture, NonParallelizable]
    public class ChromeTraceFormatTests
    {
        sealed record Ev(JsonElement E, string Ph, long Ts, long Pid, long Tid)
        {
            public long Dur => ChromeTraceFormatTests.Ns(E.GetProperty("dur"));
            public long End => Ts + Dur;
            public string Name => E.GetProperty("name").GetString()!;
            public string Cat => E.GetProperty("cat").GetString()!;
            public string Id => E.GetProperty("id").GetRawText();
        }

        /// <summary>A µs number written with at most 3 decimals, as exact nanoseconds.</summary>
        static long Ns(JsonElement e)
        {
            Assert.That(e.ValueKind, Is.EqualTo(JsonValueKind.Number), "times are JSON numbers");
            var d = decimal.Parse(e.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture) * 1000m;
            Assert.That(d, Is.EqualTo(decimal.Truncate(d)), "no precision below a nanosecond");
            return (long)d;
        }

        static List<Ev> Validate(JsonElement root)
        {
            Assert.That(root.ValueKind, Is.EqualTo(JsonValueKind.Object), "JSON Object Format");
            Assert.That(root.TryGetProperty("displayTimeUnit", out _), Is.False, "Perfetto takes displayTimeUnit \"ns\" as the unit of ts: times are µs here");
            var all = root.GetProperty("traceEvents").EnumerateArray().ToList();
            var events = new List<Ev>();
            var threadNames = new HashSet<(long, long)>();
            foreach (var e in all)
            {
                var ph = e.GetProperty("ph").GetString()!;
                Assert.That(ph, Is.AnyOf("X", "b", "e", "s", "f", "M"), "phases used");
                var pid = e.GetProperty("pid").GetInt64();
                var tid = e.TryGetProperty("tid", out var t) ? t.GetInt64() : pid;
                if (ph == "M")
                {
                    Assert.That(e.GetProperty("name").GetString(), Is.AnyOf("thread_name", "process_name"));
                    Assert.That(e.GetProperty("args").GetProperty("name").GetString(), Is.Not.Empty);
                    if (e.GetProperty("name").GetString() == "thread_name") threadNames.Add((pid, tid));
                    continue;
                }
                events.Add(new Ev(e, ph, Ns(e.GetProperty("ts")), pid, tid));
            }
            for (var i = 1; i < events.Count; i++) Assert.That(events[i].Ts, Is.GreaterThanOrEqualTo(events[i - 1].Ts), "events in time order");

            // X: duration, CPU time, proper nesting per thread
            foreach (var thread in events.Where(e => e.Ph == "X").GroupBy(e => (e.Pid, e.Tid)))
            {
                Assert.That(threadNames, Does.Contain(thread.Key), "every thread is named");
                var open = new Stack<Ev>();
                foreach (var x in thread)
                {
                    Assert.That(x.Dur, Is.GreaterThanOrEqualTo(0));
                    Assert.That(Ns(x.E.GetProperty("tdur")), Is.GreaterThanOrEqualTo(0));
                    Assert.That(x.E.GetProperty("cat").GetString(), Is.Not.Empty);
                    while (open.Count > 0 && open.Peek().End <= x.Ts && !(open.Peek().End == x.Ts && x.Dur == 0 && open.Peek().Ts == x.Ts)) open.Pop();
                    if (open.Count > 0) Assert.That(x.End, Is.LessThanOrEqualTo(open.Peek().End), $"{x.Name} at {x.Ts} nests in {open.Peek().Name}");
                    open.Push(x);
                }
            }

            // b/e: every b has its e (same cat, id, name), later, LIFO per id
            var spans = new Dictionary<(string, string, string), Stack<Ev>>();
            foreach (var e in events.Where(e => e.Ph is "b" or "e"))
            {
                var key = (e.Cat, e.Id, e.Name);
                if (!spans.TryGetValue(key, out var stack)) spans[key] = stack = new Stack<Ev>();
                if (e.Ph == "b") stack.Push(e);
                else
                {
                    Assert.That(stack, Is.Not.Empty, $"e of {e.Name} id {e.Id} has its b");
                    Assert.That(e.Ts, Is.GreaterThanOrEqualTo(stack.Pop().Ts));
                }
            }
            Assert.That(spans.Values.All(s => s.Count == 0), "every b has an e");

            // flows: one s and one f per (cat, name, id), f after s, each inside a slice of its thread
            foreach (var flow in events.Where(e => e.Ph is "s" or "f").GroupBy(e => (e.Cat, e.Name, e.Id)))
            {
                var s = flow.Where(e => e.Ph == "s").ToList();
                var f = flow.Where(e => e.Ph == "f").ToList();
                Assert.That(s, Has.Count.EqualTo(1));
                Assert.That(f, Has.Count.EqualTo(1));
                Assert.That(f[0].Ts, Is.GreaterThanOrEqualTo(s[0].Ts));
                Assert.That(f[0].E.GetProperty("bp").GetString(), Is.EqualTo("e"), "f binds to its enclosing slice");
                foreach (var end in new[] { s[0], f[0] })
                    Assert.That(events.Any(x => x.Ph == "X" && x.Tid == end.Tid && x.Pid == end.Pid && x.Ts <= end.Ts && end.Ts <= x.End), "flow event inside a slice");
            }
            return events;
        }

        [TestCase("async-resume fixture")]
        [TestCase("server built in code")]
        [TestCase("recorded with timeline")]
        public void Chrome_trace_follows_the_format_rules_and_the_timeline(string label)
        {
            var (profile, native) = FormatFixtures.Load(label);
            using var doc = JsonDocument.Parse(FormatFixtures.Export(new ChromeTraceExporter(), profile));
            var events = Validate(doc.RootElement);

            // independently from the native file's timeline
            var timeline = native.RootElement.GetProperty("timeline");
            var segments = timeline.GetProperty("segments").EnumerateArray().ToList();
            var slices = events.Where(e => e.Ph == "X").ToList();
            Assert.That(slices, Has.Count.EqualTo(segments.Count), "one slice per segment");
            Assert.That(slices.Sum(x => x.Dur), Is.EqualTo(segments.Sum(s => s.GetProperty("endNs").GetInt64() - s.GetProperty("startNs").GetInt64())));
            Assert.That(slices.Sum(x => Ns(x.E.GetProperty("tdur"))), Is.EqualTo(segments.Sum(s => s.GetProperty("cpuNs").GetInt64())), "tdur is the segments' CPU time");

            // calls: completed calls in the trace = calls in the profile (nothing dropped)
            Assert.That(timeline.GetProperty("droppedSegments").GetInt64(), Is.EqualTo(0));
            var completed = slices.Where(x => x.E.GetProperty("args").GetProperty("end").GetString() is "exit" or "fault" or "complete")
                .Select(x => x.E.GetProperty("args").GetProperty("call").GetInt64()).Distinct().Count();
            var completedSegments = segments.Count(s => s.GetProperty("end").GetString() is "exit" or "fault" or "complete");
            Assert.That(completed, Is.EqualTo(completedSegments));
            if (native.Functions.All(f => f.InFlight == 0))
                Assert.That(completed, Is.EqualTo(NativeTotals.Of(native).Calls), "calls agree with the profile");

            // an async span per call of a non-sync function, covering first start to completion
            var kinds = native.Functions.ToDictionary(f => f.Id, f => f.Kind);
            var asyncCalls = segments.GroupBy(s => s.GetProperty("call").GetInt64())
                .Where(g => kinds[g.First().GetProperty("function").GetInt64()] != "sync").ToList();
            var begins = events.Where(e => e.Ph == "b").ToList();
            Assert.That(begins.Select(b => b.E.GetProperty("id").GetInt64()), Is.EquivalentTo(asyncCalls.Select(g => g.Key)));
            foreach (var g in asyncCalls)
            {
                var b = begins.Single(x => x.E.GetProperty("id").GetInt64() == g.Key);
                var e = events.Single(x => x.Ph == "e" && x.E.GetProperty("id").GetInt64() == g.Key);
                Assert.That(b.Cat, Is.EqualTo("async"));
                Assert.That(b.Ts, Is.EqualTo(g.Min(s => s.GetProperty("startNs").GetInt64())));
                var last = g.OrderBy(s => s.GetProperty("startNs").GetInt64()).Last();
                if (last.GetProperty("end").GetString() is "complete" or "fault")
                    Assert.That(e.Ts, Is.EqualTo(last.GetProperty("endNs").GetInt64()), "the span covers the call's suspensions up to its completion");
                else
                    Assert.That(e.E.GetProperty("args").GetProperty("inFlight").GetBoolean(), Is.True);
            }

            // a flow for each resumption on another thread
            var expectedFlows = segments.GroupBy(s => s.GetProperty("call").GetInt64()).Sum(g =>
            {
                var list = g.OrderBy(s => s.GetProperty("startNs").GetInt64()).ToList();
                return list.Zip(list.Skip(1)).Count(p => p.First.GetProperty("end").GetString() == "suspend" &&
                                                        p.First.GetProperty("thread").GetInt64() != p.Second.GetProperty("thread").GetInt64());
            });
            Assert.That(events.Count(e => e.Ph == "s"), Is.EqualTo(expectedFlows));
            if (label != "server built in code") Assert.That(expectedFlows, Is.GreaterThan(0), "the fixture resumes on other threads");
        }

        [Test]
        public void Flows_link_the_suspending_slice_to_the_resumed_one_and_threads_are_named()
        {
            var profile = ProfileReader.Load(FormatFixtures.DataFile("async-resume.json"));
            using var doc = JsonDocument.Parse(FormatFixtures.Export(new ChromeTraceExporter(), profile));
            var events = Validate(doc.RootElement);
            var starts = events.Where(e => e.Ph == "s").OrderBy(e => e.Ts).ToList();
            var ends = events.Where(e => e.Ph == "f").OrderBy(e => e.Ts).ToList();
            Assert.That(starts.Select(s => (s.Tid, s.Ts)), Is.EqualTo(new[] { (1L, 100_000L), (4L, 3_000_000L) }));
            Assert.That(ends.Select(s => (s.Tid, s.Ts)), Is.EqualTo(new[] { (4L, 3_000_000L), (9L, 4_100_000L) }));
            var names = doc.RootElement.GetProperty("traceEvents").EnumerateArray().Where(e => e.GetProperty("ph").GetString() == "M")
                .Select(e => e.GetProperty("args").GetProperty("name").GetString()).ToList();
            Assert.That(names, Is.EquivalentTo(new[] { "Svc", "Main (1)", ".NET TP Worker (4)", "thread 9" }));
            var getAsync = events.First(e => e.Ph == "X" && e.Name == "Svc.Client.GetAsync");
            Assert.That(getAsync.Cat, Is.EqualTo("async"));
            Assert.That(getAsync.E.GetProperty("args").GetProperty("call").GetInt64(), Is.EqualTo(2));
            Assert.That(getAsync.E.GetProperty("args").GetProperty("parentCall").GetInt64(), Is.EqualTo(1));
            Assert.That(getAsync.E.GetProperty("ts").GetRawText(), Is.EqualTo("100"), "microseconds");
            Assert.That(getAsync.E.GetProperty("dur").GetRawText(), Is.EqualTo("300"));
            Assert.That(getAsync.E.GetProperty("tdur").GetRawText(), Is.EqualTo("300"));
        }

        [Test]
        public void A_profile_without_timeline_fails_with_one_line_naming_ASYNCPROF_TIMELINE()
        {
            var profile = FormatFixtures.Server(withTimeline: false);
            var e = Assert.Throws<ProfileExportException>(() => FormatFixtures.Export(new ChromeTraceExporter(), profile))!;
            Assert.That(e.Message, Does.Contain("ASYNCPROF_TIMELINE=1"));
            Assert.That(e.Message, Does.Not.Contain("\n"));
            var recorded = ProfileReader.Load(FormatFixtures.RecordedWithoutTimeline);
            var e2 = Assert.Throws<ProfileExportException>(() => FormatFixtures.Export(new ChromeTraceExporter(), recorded))!;
            Assert.That(e2.Message, Does.StartWith(Path.GetFileName(FormatFixtures.RecordedWithoutTimeline) + " has no timeline"));
        }
    }
}
