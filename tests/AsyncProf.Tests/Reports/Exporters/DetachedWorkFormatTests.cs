using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports.Exporters
{
    using AsyncProf.Reports;
    using AsyncProf.Reports.Analysis;
    using AsyncProf.Reports.Exporters;
    using AsyncProf.Reports.Html;
    using AsyncProf.Reports.Text;
    using AsyncProf.Tests.Infrastructure;
    using F = FormatFixtures;

    /// <summary>
    /// Detached work (<see cref="FormatFixtures.Detached"/>) through every format: it is shown distinctly, it is
    /// never summed into the caller that started it, and every format still adds up to the native totals (the
    /// lanes: roots and detached nodes).
    /// </summary>
    [TestFixture, NonParallelizable]
    public class DetachedWorkFormatTests
    {
        const long Ms = 1_000_000;
        static readonly string AuditLane = $"[detached from {F.Handle}]", FlushLane = $"[detached from {F.Save}]",
            TickLane = $"[detached from {F.Main}]", PollLane = $"[detached from {F.Poll}]";

        static (Profile Profile, ProfileFile Native, NativeTotals Totals) Load()
        {
            var profile = F.Detached();
            var native = ProfileFile.Load(F.SaveNative(profile, "detached"));
            return (profile, native, NativeTotals.Of(native));
        }

        static readonly int RecordedBase = Probe.RegisterModule(string.Join("\n",
            "sync\tRec.Main\tRec.cs\t10",
            "sync\tRec.Handle\tRec.cs\t20",
            "task\tRec.AuditAsync\tRec.cs\t30",
            "sync\tRec.Query\tRec.cs\t40"));

        /// <summary>
        /// Recorded by the real runtime through the probe API as woven code calls it: Handle starts AuditAsync (a
        /// task-returning method) and returns without awaiting it; the task completes after Handle has ended.
        /// </summary>
        static string RecordFireAndForget()
        {
            static void Spin(int microseconds)
            {
                var sw = System.Diagnostics.Stopwatch.StartNew();
                while (sw.Elapsed.TotalMilliseconds * 1000 < microseconds) System.Threading.Thread.SpinWait(50);
            }
            var path = System.IO.Path.Combine(RepoPaths.Scratch, "formats", $"recorded-detached-{Guid.NewGuid().ToString("N").Substring(0, 8)}.json");
            System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            Profiler.Start(new ProfilerOptions { CpuWindowMicroseconds = 0 });
            try
            {
                var main = Probe.Enter(RecordedBase + 0);
                for (var r = 0; r < 3; r++)
                {
                    var pending = new System.Threading.Tasks.TaskCompletionSource();
                    var handle = Probe.Enter(RecordedBase + 1);
                    var query = Probe.Enter(RecordedBase + 3);
                    Spin(300);
                    Probe.Exit(query);
                    var audit = Probe.Enter(RecordedBase + 2);
                    Spin(200);
                    Probe.ExitTask(pending.Task, audit); // returned still running: the call stays open
                    Probe.Exit(handle); // returns without awaiting it
                    System.Threading.Thread.Sleep(2);
                    pending.SetResult();
                }
                Probe.Exit(main);
            }
            finally { Profiler.Stop(); }
            Profiler.Save(path);
            return path;
        }

        [Test]
        public void A_recorded_fire_and_forget_is_detached_in_every_format()
        {
            var path = RecordFireAndForget();
            var profile = ProfileReader.Load(path);
            var native = ProfileFile.Load(path);
            var totals = NativeTotals.Of(native);
            TestContext.Out.WriteLine(TreeReport.Render(profile));
            var audit = native.NodesOf("Rec.AuditAsync").Single();
            Assert.That(audit.Detached, Is.EqualTo(3), "the runtime marks the fire-and-forget detached");
            Assert.That(native.Function("Rec.AuditAsync").Kind, Is.EqualTo("task"));

            var lane = "[detached from Rec.Handle]";
            foreach (var metric in ProfileMetrics.All)
            {
                var lines = FoldedExporter.Lines(profile, metric).ToList();
                Assert.That(lines.Sum(l => l.Weight), Is.EqualTo(totals.Of(metric)), $"folded {metric}");
                Assert.That(lines.Where(l => l.Stack.Contains("Rec.AuditAsync")).All(l => l.Stack.StartsWith(lane + ";")), $"{metric}: in its lane");
            }
            var handle = native.Function("Rec.Handle");
            var cpu = FoldedExporter.Lines(profile, ProfileMetric.Cpu).ToList();
            Assert.That(cpu.Where(l => l.Stack.Split(';').Contains("Rec.Handle")).Sum(l => l.Weight), Is.EqualTo(handle.CpuNs), "the request's CPU as the runtime wrote it");
            Assert.That(handle.CpuNs, Is.LessThan(handle.SelfCpuNs + native.Function("Rec.Query").CpuNs + native.Function("Rec.AuditAsync").SelfCpuNs),
                "the runtime left the audit's CPU out of the request's");

            var p = PprofFormatTests.Decode(F.Export(new PprofExporter(), profile));
            Assert.That(Enumerable.Range(0, 4).Select(k => p.Samples.Sum(s => s.Values[k])), Is.EqualTo(new[] { totals.Calls, totals.Wall, totals.Cpu, totals.Alloc }));
            var callgrind = CallgrindFormatTests.Parse(Encoding.UTF8.GetString(F.Export(new CallgrindExporter(), profile)));
            Assert.That(callgrind.Totals![..3], Is.EqualTo(new[] { totals.Wall, totals.Cpu, totals.Alloc }));
            Assert.That(callgrind.Calls.ContainsKey((lane, "Rec.AuditAsync")));
            Assert.That(TreeReport.Render(profile), Does.Contain("Rec.AuditAsync [detached]"));
        }

        [Test]
        public void The_new_fields_are_read_and_default_to_zero()
        {
            var profile = ProfileReader.Load(F.SaveNative(F.Detached(), "detached-read"));
            var audit = profile.FindFunction(F.Audit)!;
            Assert.That((audit.Kind, audit.Detached, audit.Unobserved), Is.EqualTo(("task", 2L, 0L)));
            Assert.That(profile.FindFunction(F.CacheGet)!.Unobserved, Is.EqualTo(2));
            Assert.That(profile.Tree.Single(n => n.Function == audit.Id).Detached, Is.EqualTo(2));
            Assert.That(profile.Tree.Single(n => n.Function == profile.FindFunction(F.CacheGet)!.Id).Unobserved, Is.EqualTo(2));

            // a file written before the fields existed reads them as 0
            var old = ProfileReader.Load(F.DataFile("async-resume.json"));
            Assert.That(old.Functions.Concat<CallFigures>(old.Tree).All(x => x.Detached == 0 && x.Unobserved == 0));
        }

        [Test]
        public void The_totals_are_the_lanes_and_the_caller_excludes_its_detached_work()
        {
            var (profile, _, totals) = Load();
            Assert.That((totals.Wall, totals.Cpu), Is.EqualTo((1_010 * Ms, 86 * Ms)), "the fixture's own arithmetic");
            var figures = CallTreeFigures.Of(profile);
            Assert.That(ProfileMetrics.All.Select(figures.Total), Is.EqualTo(new[] { totals.Wall, totals.Cpu, totals.Alloc }));
            Assert.That(figures.FrameRoots.Select(r => r.Name), Is.EqualTo(new[] { F.Main, AuditLane, FlushLane, TickLane, PollLane }));

            var handle = figures.Frames.Single(f => f.Name == F.Handle);
            // the audit's 300 ms are not children of the request's 60 ms: nothing is scaled, the rest is its own
            Assert.That(handle.SelfWallNs, Is.EqualTo(60 * Ms - 40 * Ms - 1 * Ms));
            Assert.That(handle.CpuNs, Is.EqualTo(11 * Ms));
            var audit = figures.Frames.Single(f => f.Name == F.Audit);
            Assert.That((audit.IsDetachedCall, audit.Lane!.Name, audit.AttributedWallNs), Is.EqualTo((true, AuditLane, 300 * Ms)));
            Assert.That(audit.SelfWallNs, Is.EqualTo(100 * Ms), "300 ms less its attached child's 200 ms");

            var edge = figures.Edges.Single(e => e.Callee == profile.FindFunction(F.Audit)!.Id);
            Assert.That((edge.Detached, edge.CpuNs), Is.EqualTo((true, 50 * Ms)));
        }

        [Test]
        public void Folded_stacks_put_detached_work_in_a_stack_of_its_own()
        {
            var (profile, native, totals) = Load();
            foreach (var metric in ProfileMetrics.All)
            {
                var lines = FoldedExporter.Lines(profile, metric).ToList();
                Assert.That(lines.Sum(l => l.Weight), Is.EqualTo(totals.Of(metric)), $"{metric} total");
                if (metric == ProfileMetric.Wall) continue;
                foreach (var f in native.Functions)
                {
                    var inclusive = lines.Where(l => l.Stack.Split(';').Contains(f.Name)).Sum(l => l.Weight);
                    Assert.That(inclusive, Is.EqualTo(metric == ProfileMetric.Cpu ? f.CpuNs : f.AllocBytes), $"{f.Name} inclusive {metric}");
                }
            }
            var cpu = FoldedExporter.Lines(profile, ProfileMetric.Cpu).ToDictionary(l => l.Stack, l => l.Weight);
            Assert.That(cpu[$"{AuditLane};{F.Audit}"], Is.EqualTo(30 * Ms));
            Assert.That(cpu[$"{AuditLane};{F.Audit};{F.Save}"], Is.EqualTo(20 * Ms));
            Assert.That(cpu[$"{FlushLane};{F.FlushAudit}"], Is.EqualTo(3 * Ms), "detached work started by detached work: a lane of its own");
            Assert.That(cpu.Keys.Where(k => k.StartsWith(F.Main + ";" + F.Handle)).Sum(k => cpu[k]), Is.EqualTo(11 * Ms), "the request's CPU excludes the audit");
            var text = Encoding.UTF8.GetString(F.Export(new FoldedExporter(ProfileMetric.Wall), profile));
            Assert.That(text, Does.Contain($"\n{AuditLane};{F.Audit} {100 * Ms}\n"), "the audit's own 100 ms of wall time, in its lane");
        }

        [Test]
        public void Speedscope_has_a_lane_frame_and_adds_up()
        {
            var (profile, native, totals) = Load();
            using var doc = JsonDocument.Parse(F.Export(new SpeedscopeExporter(), profile));
            SpeedscopeFormatTests.AssertValidSpeedscope(doc.RootElement);
            var frames = doc.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("name").GetString()!).ToList();
            Assert.That(frames, Does.Contain(AuditLane).And.Contain(TickLane));
            var profiles = doc.RootElement.GetProperty("profiles").EnumerateArray().ToList();
            for (var k = 0; k < 3; k++)
                Assert.That(profiles[k].GetProperty("weights").EnumerateArray().Sum(w => w.GetInt64()), Is.EqualTo(totals.Of(ProfileMetrics.All[k])));
            var samples = profiles[1].GetProperty("samples").EnumerateArray().Select(s => s.EnumerateArray().Select(i => frames[i.GetInt32()]).ToList()).ToList();
            var auditStacks = samples.Where(s => s.Contains(F.Audit)).ToList();
            Assert.That(auditStacks.All(s => s[0] == AuditLane && !s.Contains(F.Handle)), "the audit's stacks start at its lane, not under the request");
        }

        [Test]
        public void Pprof_labels_detached_samples_and_adds_up()
        {
            var (profile, _, totals) = Load();
            var p = PprofFormatTests.Decode(F.Export(new PprofExporter(), profile));
            PprofFormatTests.AssertWellFormed(p);
            Assert.That(Enumerable.Range(0, 4).Select(k => p.Samples.Sum(s => s.Values[k])), Is.EqualTo(new[] { totals.Calls, totals.Wall, totals.Cpu, totals.Alloc }));
            string? Label(PprofFormatTests.PSample s, string key) => s.Labels.Where(l => p.S(l.Key) == key).Select(l => p.S(l.Str)).SingleOrDefault();
            // one sample per thread the audit ran on (the timeline splits it)
            var audit = p.Samples.Where(s => PprofFormatTests.FunctionOf(p, s.LocationIds[0]) == F.Audit).ToList();
            Assert.That(audit.Sum(s => s.Values[2]), Is.EqualTo(30 * Ms));
            foreach (var s in audit)
            {
                Assert.That(s.LocationIds.Select(id => PprofFormatTests.FunctionOf(p, id)), Is.EqualTo(new[] { F.Audit, AuditLane }), "leaf first, the lane as root");
                Assert.That(Label(s, "detached"), Is.EqualTo(F.Handle));
                Assert.That(Label(s, "request"), Is.EqualTo(F.Main), "the entry point the work came in through");
            }
            var handle = p.Samples.Where(s => PprofFormatTests.FunctionOf(p, s.LocationIds[0]) == F.Handle).ToList();
            Assert.That(handle.All(s => Label(s, "detached") == null));
            // the request's inclusive CPU in pprof (samples whose stack holds it) excludes the audit
            Assert.That(p.Samples.Where(s => s.LocationIds.Any(id => PprofFormatTests.FunctionOf(p, id) == F.Handle)).Sum(s => s.Values[2]), Is.EqualTo(11 * Ms));
        }

        [Test]
        public void Callgrind_calls_detached_work_from_a_pseudo_function_so_the_caller_excludes_it()
        {
            var (profile, native, totals) = Load();
            var data = CallgrindFormatTests.Parse(Encoding.UTF8.GetString(F.Export(new CallgrindExporter(), profile)));
            var expected = new[] { totals.Wall, totals.Cpu, totals.Alloc };
            Assert.That(data.Totals, Is.EqualTo(expected));
            Assert.That(Enumerable.Range(0, 3).Select(k => data.Self.Values.Sum(v => v[k])), Is.EqualTo(expected));
            var fromRoot = data.Calls.Where(c => c.Key.Caller == CallgrindExporter.RootName).ToList();
            Assert.That(Enumerable.Range(0, 3).Select(k => fromRoot.Sum(c => c.Value.Inclusive[k])), Is.EqualTo(expected), "(root) is the whole profile");
            Assert.That(data.Calls[(CallgrindExporter.RootName, AuditLane)].Inclusive[1], Is.EqualTo(50 * Ms));
            Assert.That(data.Calls[(AuditLane, F.Audit)].Calls, Is.EqualTo(2));
            Assert.That(data.Calls[(AuditLane, F.Audit)].Inclusive[1], Is.EqualTo(50 * Ms));
            Assert.That(data.Calls.ContainsKey((F.Handle, F.Audit)), Is.False, "the request does not call it in callgrind's terms");
            Assert.That(data.Calls.Values.Sum(c => c.Calls) - data.Calls.Where(c => c.Key.Caller == CallgrindExporter.RootName && c.Key.Callee.StartsWith("[")).Sum(c => c.Value.Calls),
                Is.EqualTo(totals.Calls), "every completed call once, besides the lanes' entries");
            // inclusive = self + calls, as KCachegrind adds it up: the profile's inclusive figures
            foreach (var f in native.Functions)
            {
                var inclusive = data.Self[f.Name][1] + data.Calls.Where(c => c.Key.Caller == f.Name && c.Key.Callee != f.Name).Sum(c => c.Value.Inclusive[1]);
                Assert.That(inclusive, Is.EqualTo(f.CpuNs), f.Name);
            }
        }

        [Test]
        public void Chrome_trace_marks_detached_slices_and_spans()
        {
            var profile = F.Detached();
            using var doc = JsonDocument.Parse(F.Export(new ChromeTraceExporter(), profile));
            var events = doc.RootElement.GetProperty("traceEvents").EnumerateArray().Where(e => e.TryGetProperty("cat", out _)).ToList();
            string Cat(JsonElement e) => e.GetProperty("cat").GetString()!;
            string Name(JsonElement e) => e.GetProperty("name").GetString()!;
            foreach (var e in events.Where(e => Name(e) is F.Audit or F.Save && e.GetProperty("ph").GetString() is "X" or "b"))
            {
                Assert.That(Cat(e).Split(','), Does.Contain("detached"), $"{Name(e)} {e.GetProperty("ph")}");
                Assert.That(e.GetProperty("args").GetProperty("detachedFrom").GetString(), Is.EqualTo(F.Handle));
            }
            Assert.That(events.Count(e => Name(e) == F.Audit && e.GetProperty("ph").GetString() == "X"), Is.EqualTo(2));
            Assert.That(events.Single(e => Name(e) == F.Audit && e.GetProperty("ph").GetString() == "e").GetProperty("cat").GetString(), Is.EqualTo("async,detached"),
                "a span's end has its start's category");
            Assert.That(events.Where(e => Name(e) is F.Main or F.Handle).All(e => !Cat(e).Contains("detached")));
        }

        [Test]
        public void Text_table_and_tree_mark_detached_and_unobserved_calls()
        {
            var (profile, _, totals) = Load();
            var table = TextReport.Render(profile);
            TestContext.Out.WriteLine(table);
            var header = table.Split('\n').First(l => l.StartsWith("name"));
            Assert.That(header, Does.Contain("detached").And.Contain("unobserved"));
            Assert.That(table.Split('\n').Single(l => l.StartsWith(F.Audit + " ")), Does.Contain("2 [detached]"));
            Assert.That(table, Does.Contain("\ndetached: calls that completed after their caller's call ended"));
            Assert.That(table, Does.Contain("\nunobserved: "));

            var tree = TreeReport.Render(profile);
            TestContext.Out.WriteLine(tree);
            var lines = tree.Split('\n');
            Assert.That(lines[0], Does.Contain("wall 1.01 s, CPU 86.0 ms"), "the totals are the lanes'");
            var lane = Array.FindIndex(lines, l => l.EndsWith(AuditLane));
            Assert.That(lane, Is.GreaterThan(0), "a lane of its own");
            Assert.That(lines[lane + 1], Does.EndWith($"  {F.Audit} [detached]"));
            Assert.That(System.Text.RegularExpressions.Regex.Replace(lines.Single(l => l.EndsWith(" " + F.Handle)).Trim(), @"\s+", " "),
                Does.StartWith("5.9% 60.0 ms 12.8% 11.0 ms"), "the request's figures without its audit");
            Assert.That(tree, Does.Contain($"{F.CacheGet} [2 unobserved]"));
            Assert.That(tree, Does.Contain("\n[detached from F]: work F started"));

            var callees = CallersReport.Render(profile, F.Handle, CallDirection.Callees);
            TestContext.Out.WriteLine(callees);
            Assert.That(callees, Does.Contain(F.Audit + " [detached]"));
            Assert.That(callees, Does.Contain("\n[detached]: work it started"));
        }

        [Test]
        public void The_html_report_draws_detached_work_in_a_lane_of_its_own()
        {
            var (profile, _, totals) = Load();
            var html = HtmlExporter.Render(profile);
            var json = System.Text.RegularExpressions.Regex.Match(html, "id=\"profile-data\">(.*?)</script>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
            using var doc = JsonDocument.Parse(json);
            var view = doc.RootElement.GetProperty("view");
            var frames = view.GetProperty("frames").EnumerateArray().ToList();
            var lane = frames.Single(f => f.GetProperty("kind").GetString() == "lane" && f.GetProperty("name").GetString() == AuditLane);
            Assert.That(lane.GetProperty("parent").ValueKind, Is.EqualTo(JsonValueKind.Null), "a root of the flame graph");
            var audit = frames.Single(f => f.GetProperty("parent").ValueKind == JsonValueKind.String && f.GetProperty("parent").GetString() == lane.GetProperty("key").GetString());
            Assert.That(audit.GetProperty("detachedCall").GetBoolean(), Is.True);
            Assert.That(audit.GetProperty("detachedFrom").GetString(), Is.EqualTo(F.Handle));
            var roots = frames.Where(f => f.GetProperty("parent").ValueKind == JsonValueKind.Null).ToList();
            Assert.That(roots.Sum(f => f.GetProperty("cpuNs").GetInt64()), Is.EqualTo(totals.Cpu), "the flame graph's whole is the total");
            Assert.That(view.GetProperty("notes").EnumerateArray().Select(n => n.GetString()), Has.Some.StartsWith("[detached from F]"));
        }
    }
}
