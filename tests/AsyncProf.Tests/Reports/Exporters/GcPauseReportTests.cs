using System;
using System.IO;
using System.Linq;
using System.Text;
using AsyncProf.Reports;
using AsyncProf.Reports.Analysis;
using AsyncProf.Reports.Exporters;
using AsyncProf.Reports.Html;
using AsyncProf.Reports.Text;
using AsyncProf.Tests.Reports.Exporters;
using NUnit.Framework;
using static AsyncProf.Tests.Reports.Diff.SyntheticProfiles;

namespace AsyncProf.Tests.Reports.Exporters
{
    /// <summary>
    /// GC pauses (gcNs) in every report, on a profile where every figure is known: Main (300 ms: 200 suspended, 20 in
    /// GC, all of it Work's) calls Work (100 ms: 40 on CPU, 40 blocked, 20 in GC) and awaits Wait (200 ms, suspended).
    /// </summary>
    [TestFixture]
    public class GcPauseReportTests
    {
        const long Ms = 1_000_000;

        static Profile WithGc() => Make("gc",
            new Node("Main", 1, 300 * Ms, SelfCpuNs: 10 * Ms, RunningNs: 50 * Ms, BlockedNs: 30 * Ms, SuspendedNs: 200 * Ms, GcNs: 20 * Ms),
            new Node("Main>Work", 2, 100 * Ms, SelfCpuNs: 40 * Ms, RunningNs: 40 * Ms, BlockedNs: 40 * Ms, GcNs: 20 * Ms, SelfGcNs: 20 * Ms),
            new Node("Main>Wait", 1, 200 * Ms, SuspendedNs: 200 * Ms));

        static Profile Reread(Profile p)
        {
            using var buffer = new MemoryStream();
            new NativeJsonExporter().Export(p, buffer);
            return ProfileReader.Parse(buffer.ToArray(), "reread.json");
        }

        [Test]
        public void The_reader_and_writer_keep_gc_time_and_a_profile_without_any_writes_none()
        {
            var work = Reread(WithGc()).Functions.Single(f => f.Name == "Work");
            Assert.That((work.GcNs, work.SelfGcNs), Is.EqualTo((20 * Ms, 20 * Ms)));
            using var buffer = new MemoryStream();
            new NativeJsonExporter().Export(Pipeline("old", 30), buffer);
            Assert.That(Encoding.UTF8.GetString(buffer.ToArray()), Does.Not.Contain("gcNs"));
        }

        [Test]
        public void The_self_split_gives_gc_its_own_part()
        {
            var figures = CallTreeFigures.Of(WithGc());
            var work = figures.Profile.Tree.Single(n => figures.Profile.Function(n.Function).Name == "Work");
            Assert.That(figures.SelfSplit(work), Is.EqualTo(new WallSplit(40 * Ms, 40 * Ms, 0, 20 * Ms)));
            foreach (var n in figures.Profile.Tree)
            {
                var s = figures.SelfSplit(n);
                Assert.That(s.RunningNs + s.BlockedNs + s.SuspendedNs + s.GcNs, Is.EqualTo(figures.SelfWall(n)));
            }
        }

        [Test]
        public void The_text_table_has_a_gc_column_only_when_there_was_gc()
        {
            var lines = TextReport.Render(WithGc()).Split('\n');
            var header = lines.Single(l => l.StartsWith("name "));
            var columns = header.Split("  ", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).ToList();
            var row = lines.Single(l => l.StartsWith("Work ")).Split("  ", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).ToList();
            Assert.That(row[columns.IndexOf("GC")], Is.EqualTo("20.0 ms"));
            Assert.That(lines, Has.Some.StartsWith("running + blocked + suspended + GC = wall"));
            var without = Make("split", new Node("Main", 1, 100 * Ms, SelfCpuNs: 50 * Ms, RunningNs: 50 * Ms, BlockedNs: 50 * Ms));
            Assert.That(TextReport.Render(without).Split('\n').Single(l => l.StartsWith("name ")), Does.Not.Contain("GC"));
        }

        [Test]
        public void Pprof_has_a_gc_sample_type_and_the_parts_add_up_to_wall()
        {
            using var buffer = new MemoryStream();
            new PprofExporter().Export(WithGc(), buffer);
            var p = PprofFormatTests.Decode(buffer.ToArray());
            PprofFormatTests.AssertWellFormed(p);
            var types = p.SampleTypes.Select(t => p.S(t.Type)).ToList();
            Assert.That(types, Is.EqualTo(new[] { "calls", "wall", "cpu", "alloc", "running", "blocked", "suspended", "gc" }));
            Assert.That(p.Samples.Sum(s => s.Values[types.IndexOf("gc")]), Is.EqualTo(20 * Ms));
            foreach (var s in p.Samples)
                Assert.That(s.Values[4] + s.Values[5] + s.Values[6] + s.Values[7], Is.EqualTo(s.Values[1]));
        }

        [Test]
        public void Callgrind_has_a_gc_event()
        {
            using var buffer = new MemoryStream();
            new CallgrindExporter().Export(WithGc(), buffer);
            var text = Encoding.UTF8.GetString(buffer.ToArray());
            Assert.That(text, Does.Contain("events: Wall Cpu Alloc Running Blocked Suspended Gc\n"));
            Assert.That(text, Does.Contain("event: Gc :"));
        }

        [Test]
        public void The_html_frames_carry_gc_time()
        {
            var json = FrameJson.Write(WithGc());
            Assert.That(json, Does.Contain("\"gcNs\":20000000"));
            Assert.That(FrameJson.Write(Make("split", new Node("Main", 1, 100 * Ms, SelfCpuNs: 50 * Ms, RunningNs: 50 * Ms, BlockedNs: 50 * Ms))), Does.Not.Contain("gcNs"));
        }
    }
}
