using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Text.Json;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports.Exporters
{
    using AsyncProf.Reports;
    using AsyncProf.Reports.Analysis;
    using AsyncProf.Reports.Exporters;
    using AsyncProf.Tests.Infrastructure;

    /// <summary>Formats by name and by file name, the converter the runtime calls, and the timeline in the model.</summary>
    [TestFixture, NonParallelizable]
    public class ExporterRegistryTests
    {
        static string Scratch(string name)
        {
            var dir = Path.Combine(RepoPaths.Scratch, "formats", "out-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            return Path.Combine(dir, name);
        }

        [TestCase("profile.speedscope.json", "speedscope")]
        [TestCase("PROFILE.SPEEDSCOPE.JSON", "speedscope")]
        [TestCase("out/run.trace.json", "chrome")]
        [TestCase("run.chrome.json", "chrome")]
        [TestCase("profile.pb.gz", "pprof")]
        [TestCase("profile.pprof", "pprof")]
        [TestCase("callgrind.out", "callgrind")]
        [TestCase("/tmp/callgrind.out.4242", "callgrind")]
        [TestCase("app.callgrind", "callgrind")]
        [TestCase("app.folded", "folded")]
        [TestCase("app.wall.folded", "folded-wall")]
        [TestCase("app.cpu.folded", "folded-cpu")]
        [TestCase("app.alloc.folded", "folded-alloc")]
        [TestCase("report.txt", "text")]
        [TestCase("profile.json", "json")]
        public void An_output_file_name_picks_its_format(string path, string format)
        {
            Assert.That(ExporterRegistry.ForPath(path)?.Name, Is.EqualTo(format));
        }

        [TestCase("profile")]
        [TestCase("profile.xml")]
        [TestCase("profile.gz")]
        [TestCase("")]
        public void An_unknown_extension_picks_nothing(string path) => Assert.That(ExporterRegistry.ForPath(path), Is.Null);

        [Test]
        public void Every_format_is_listed_once_by_name_and_its_extension_leads_back_to_it()
        {
            var names = ExporterRegistry.Names;
            Assert.That(names, Is.Unique);
            Assert.That(names, Is.SupersetOf(new[] { "text", "speedscope", "chrome", "pprof", "callgrind", "folded", "folded-wall", "folded-cpu", "folded-alloc", "json" }));
            foreach (var e in ExporterRegistry.All)
                Assert.That(ExporterRegistry.ForPath("x" + e.FileExtension)?.Name, Is.EqualTo(e.Name), e.FileExtension);
            Assert.That(ExporterRegistry.Find("SpeedScope"), Is.InstanceOf<SpeedscopeExporter>());
            Assert.That(ExporterRegistry.Find("nope"), Is.Null);
        }

        [Test]
        public void ConvertFile_writes_every_format_from_a_native_file_and_copies_plain_json()
        {
            var native = FormatFixtures.DataFile("async-resume.json");
            foreach (var e in ExporterRegistry.All.Where(e => e.Name != "html"))
            {
                var output = Scratch("profile" + e.FileExtension);
                ProfileConverter.ConvertFile(native, output);
                Assert.That(new FileInfo(output).Length, Is.GreaterThan(0), e.Name);
                Assert.That(Directory.GetFiles(Path.GetDirectoryName(output)!), Has.Length.EqualTo(1), "no temporary file left behind");
            }
            var copy = Scratch("copy.json");
            ProfileConverter.ConvertFile(native, copy);
            Assert.That(File.ReadAllBytes(copy), Is.EqualTo(File.ReadAllBytes(native)), "the native format is the file itself");

            var e1 = Assert.Throws<ProfileExportException>(() => ProfileConverter.ConvertFile(native, Scratch("profile.xml")))!;
            Assert.That(e1.Message, Does.Contain("unknown output format").And.Contain(".speedscope.json"));
            var e2 = Assert.Throws<ProfileFormatException>(() => ProfileConverter.ConvertFile(Scratch("missing.json"), Scratch("p.pb.gz")))!;
            Assert.That(e2.Message, Does.EndWith("no such file"));
        }

        [Test]
        public void Html_is_picked_by_extension_when_that_format_exists()
        {
            var html = ExporterRegistry.Find("html");
            Assert.That(ExporterRegistry.ForPath("report.html"), Is.SameAs(html));
        }

        [Test]
        public void An_empty_profile_exports_in_every_format()
        {
            var empty = new Profile(new ProcessInfo(), Array.Empty<FunctionStats>(), Array.Empty<EdgeStats>(), Array.Empty<CallTreeNode>(),
                new AsyncProf.Reports.Timeline(0, Array.Empty<TimelineThread>(), Array.Empty<TimelineSegment>()));
            foreach (var e in ExporterRegistry.All.Where(e => e.Name != "html"))
                Assert.That(FormatFixtures.Export(e, empty), Is.Not.Null, e.Name);
            using var doc = JsonDocument.Parse(FormatFixtures.Export(new SpeedscopeExporter(), empty));
            SpeedscopeFormatTests.AssertValidSpeedscope(doc.RootElement);
            Assert.That(Encoding.UTF8.GetString(FormatFixtures.Export(new FoldedExporter(ProfileMetric.Cpu), empty)), Is.Empty);
        }

        [Test]
        public void Json_formats_write_generic_and_non_ascii_names_as_they_are()
        {
            // Perfetto's JSON tokenizer has not always understood \uXXXX escapes
            var b = new ProfileBuilder();
            var root = b.Node(null, "Repo<T>.Convert<U>", "async", calls: 1, wall: 10, selfCpu: 5);
            b.Node(root, "Café.Crème", calls: 1, wall: 3, selfCpu: 3);
            b.Thread(1, "Main");
            b.Segment(1, null, root, 1, 0, 10, 5, SegmentEnds.Complete);
            var profile = b.Build();
            foreach (var e in new IProfileExporter[] { new SpeedscopeExporter(), new ChromeTraceExporter(), new NativeJsonExporter() })
            {
                var text = Encoding.UTF8.GetString(FormatFixtures.Export(e, profile));
                Assert.That(text, Does.Contain("Repo<T>.Convert<U>"), e.Name);
                if (e.Name != "chrome") Assert.That(text, Does.Contain("Café.Crème"), e.Name);
                Assert.That(text, Does.Not.Contain("\\u"), e.Name);
            }
        }

        [Test]
        public void ConvertFile_has_the_signature_the_runtime_calls_by_reflection()
        {
            var type = typeof(ProfileExportException).Assembly.GetType("AsyncProf.Reports.Exporters.ProfileConverter", throwOnError: true)!;
            var method = type.GetMethod("ConvertFile", new[] { typeof(string), typeof(string) });
            Assert.That(method, Is.Not.Null);
            Assert.That(method!.IsStatic && method.IsPublic && method.ReturnType == typeof(void));
        }

        [Test]
        public void Profiler_Save_writes_converted_formats_through_the_converter()
        {
            var b = Probe.RegisterModule("async\tSave.Handler\tS.cs\t1\nsync\tSave.Work\tS.cs\t2");
            Profiler.Start(new ProfilerOptions { RecordTimeline = true });
            try
            {
                var call = new AsyncCall();
                Probe.AsyncMoveNext(ref call, b);
                var t = Probe.Enter(b + 1);
                Probe.Exit(t);
                Probe.Suspend(ref call);
                Probe.MoveNextReturn(); // the suspended MoveNext returns
                var resumed = call;
                System.Threading.Tasks.Task.Run(() => { Probe.AsyncMoveNext(ref resumed, b); Probe.Complete(ref resumed); }).Wait();
            }
            finally { Profiler.Stop(); }

            var trace = Scratch("saved.trace.json");
            Profiler.Save(trace);
            using (var doc = JsonDocument.Parse(File.ReadAllBytes(trace)))
                Assert.That(doc.RootElement.GetProperty("traceEvents").EnumerateArray().Count(e => e.GetProperty("ph").GetString() == "X"), Is.EqualTo(3));
            Assert.That(File.Exists(trace + ".asyncprof.json"), Is.False, "the intermediate native file is removed");

            var pprof = Scratch("saved.pb.gz");
            Profiler.Save(pprof);
            Assert.That(File.ReadAllBytes(pprof).Take(2), Is.EqualTo(new byte[] { 0x1f, 0x8b }));

            var folded = Scratch("saved.wall.folded");
            Profiler.Save(folded);
            Assert.That(File.ReadAllText(folded), Does.StartWith("Save.Handler"));
        }

        [Test]
        public void The_reader_keeps_the_timeline_and_the_native_writer_round_trips_it()
        {
            var profile = ProfileReader.Load(FormatFixtures.DataFile("async-resume.json"));
            var timeline = profile.Timeline!;
            Assert.That(timeline.Threads.Select(t => (t.Id, t.Name)), Is.EqualTo(new[] { (1L, (string?)"Main"), (4L, ".NET TP Worker"), (9L, null) }));
            Assert.That(timeline.Segments, Has.Count.EqualTo(9));
            var s = timeline.Segments[1];
            Assert.That((s.Call, s.ParentCall, s.Function, s.Node, s.Thread, s.StartNs, s.EndNs, s.CpuNs, s.End),
                Is.EqualTo((2L, (long?)1L, 2L, 2L, 1L, 100_000L, 400_000L, 300_000L, "suspend")));
            Assert.That(timeline.Segments[0].ParentCall, Is.Null);

            var bytes = FormatFixtures.Export(new NativeJsonExporter(), profile);
            var again = ProfileReader.Parse(bytes, "again.json");
            Assert.That(again.Timeline!.Segments.Select(x => (x.Call, x.ParentCall, x.Node, x.Thread, x.StartNs, x.EndNs, x.CpuNs, x.End)),
                Is.EqualTo(timeline.Segments.Select(x => (x.Call, x.ParentCall, x.Node, x.Thread, x.StartNs, x.EndNs, x.CpuNs, x.End))));
            Assert.That(again.Tree.Select(n => (n.Id, n.Parent, n.Function, n.Calls, n.WallNs, n.CpuNs, n.SelfCpuNs, n.AllocBytes, n.SelfAllocBytes)),
                Is.EqualTo(profile.Tree.Select(n => (n.Id, n.Parent, n.Function, n.Calls, n.WallNs, n.CpuNs, n.SelfCpuNs, n.AllocBytes, n.SelfAllocBytes))));
            Assert.That(again.Functions.Select(f => (f.Name, f.File, f.Line, f.Calls)), Is.EqualTo(profile.Functions.Select(f => (f.Name, f.File, f.Line, f.Calls))));
            Assert.That(again.Process.StartedUtc, Is.EqualTo(profile.Process.StartedUtc));
            Assert.That(ProfileReader.Parse(FormatFixtures.Export(new NativeJsonExporter(), FormatFixtures.Server(false)), "x").Timeline, Is.Null);
        }

        [TestCase("\"node\": 2, \"thread\": 1, \"startNs\": 100000", "\"node\": 3, \"thread\": 1, \"startNs\": 100000", "timeline.segments[1].node: node 3 is of function 3, not 2")]
        [TestCase("\"node\": 2, \"thread\": 1, \"startNs\": 100000", "\"node\": 99, \"thread\": 1, \"startNs\": 100000", "timeline.segments[1].node: no tree node with id 99")]
        [TestCase("\"startNs\": 100000, \"endNs\": 400000", "\"startNs\": 100000, \"endNs\": 4", "timeline.segments[1].endNs: before startNs (4 < 100000)")]
        [TestCase("\"threads\": [", "\"threads\": 3, \"x\": [", "timeline.threads: expected an array")]
        public void A_broken_timeline_is_reported_in_one_line(string find, string replace, string problem)
        {
            var json = File.ReadAllText(FormatFixtures.DataFile("async-resume.json"));
            Assert.That(json, Does.Contain(find));
            var e = Assert.Throws<ProfileFormatException>(() => ProfileReader.Parse(json.Replace(find, replace), "bad.json"))!;
            Assert.That(e.Message, Is.EqualTo("bad.json: " + problem));
        }
    }
}
