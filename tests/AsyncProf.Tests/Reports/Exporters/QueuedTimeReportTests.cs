using System;
using System.IO;
using System.Linq;
using System.Text;
using AsyncProf.Reports;
using AsyncProf.Reports.Analysis;
using AsyncProf.Reports.Exporters;
using AsyncProf.Reports.Html;
using AsyncProf.Reports.Text;
using NUnit.Framework;
using static AsyncProf.Tests.Reports.Diff.SyntheticProfiles;

namespace AsyncProf.Tests.Reports.Exporters
{
    /// <summary>
    /// Queued time (queuedNs, part of suspendedNs) in every report, on a profile where every figure is known: Main
    /// (300 ms: 50 running, 250 suspended) awaits Yielder (250 ms: 10 running, 240 suspended, 180 of it queued).
    /// </summary>
    [TestFixture]
    public class QueuedTimeReportTests
    {
        const long Ms = 1_000_000;

        static Profile WithQueued() => Make("queued",
            new Node("Main", 1, 300 * Ms, SelfCpuNs: 40 * Ms, RunningNs: 50 * Ms, SuspendedNs: 250 * Ms),
            new Node("Main>Yielder", 1, 250 * Ms, SelfCpuNs: 10 * Ms, RunningNs: 10 * Ms, SuspendedNs: 240 * Ms, QueuedNs: 180 * Ms));

        static Profile WithoutQueued() => Make("split", new Node("Main", 1, 100 * Ms, SelfCpuNs: 50 * Ms, RunningNs: 50 * Ms, SuspendedNs: 50 * Ms));

        [Test]
        public void The_reader_and_writer_keep_queued_time_and_a_profile_without_the_field_writes_none()
        {
            using var buffer = new MemoryStream();
            new NativeJsonExporter().Export(WithQueued(), buffer);
            var yielder = ProfileReader.Parse(buffer.ToArray(), "reread.json").Functions.Single(f => f.Name == "Yielder");
            Assert.That((yielder.SuspendedNs, yielder.QueuedNs), Is.EqualTo((240 * Ms, 180 * Ms)));
            using var old = new MemoryStream();
            new NativeJsonExporter().Export(WithoutQueued(), old);
            Assert.That(Encoding.UTF8.GetString(old.ToArray()), Does.Not.Contain("queuedNs"));
        }

        [Test]
        public void The_split_takes_queued_out_of_suspended_so_the_parts_still_add_up_to_wall()
        {
            var figures = CallTreeFigures.Of(WithQueued());
            var yielder = figures.Profile.Tree.Single(n => figures.Profile.Function(n.Function).Name == "Yielder");
            Assert.That(WallSplit.Of(yielder), Is.EqualTo(new WallSplit(10 * Ms, 0, 60 * Ms, 0, 180 * Ms)));
            Assert.That(figures.SelfSplit(yielder), Is.EqualTo(new WallSplit(10 * Ms, 0, 60 * Ms, 0, 180 * Ms)));
            foreach (var n in figures.Profile.Tree)
            {
                var s = figures.SelfSplit(n);
                Assert.That(s.RunningNs + s.BlockedNs + s.SuspendedNs + s.QueuedNs + s.GcNs, Is.EqualTo(figures.SelfWall(n)));
            }
            Assert.That(WallSplit.PartsOf(WithQueued()), Does.Contain(WallPart.Queued));
            Assert.That(WallSplit.PartsOf(WithoutQueued()), Does.Not.Contain(WallPart.Queued));
        }

        [Test]
        public void The_text_table_has_a_queued_column_only_when_something_was_queued()
        {
            var lines = TextReport.Render(WithQueued()).Split('\n');
            var header = lines.Single(l => l.StartsWith("name "));
            var columns = header.Split("  ", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).ToList();
            var row = lines.Single(l => l.StartsWith("Yielder ")).Split("  ", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).ToList();
            Assert.That(row[columns.IndexOf("suspended")], Is.EqualTo("240.0 ms"), "the file's suspended time, queued included");
            Assert.That(row[columns.IndexOf("queued")], Is.EqualTo("180.0 ms"));
            Assert.That(lines, Has.Some.StartsWith("queued: of suspended"));
            Assert.That(TextReport.Render(WithoutQueued()).Split('\n').Single(l => l.StartsWith("name ")), Does.Not.Contain("queued"));
        }

        [Test]
        public void Pprof_has_a_queued_sample_type_and_the_parts_add_up_to_wall()
        {
            using var buffer = new MemoryStream();
            new PprofExporter().Export(WithQueued(), buffer);
            var p = PprofFormatTests.Decode(buffer.ToArray());
            PprofFormatTests.AssertWellFormed(p);
            var types = p.SampleTypes.Select(t => p.S(t.Type)).ToList();
            Assert.That(types, Is.EqualTo(new[] { "calls", "wall", "cpu", "alloc", "running", "blocked", "suspended", "queued" }));
            Assert.That(p.Samples.Sum(s => s.Values[types.IndexOf("queued")]), Is.EqualTo(180 * Ms));
            foreach (var s in p.Samples)
                Assert.That(s.Values[4] + s.Values[5] + s.Values[6] + s.Values[7], Is.EqualTo(s.Values[1]));
        }

        [Test]
        public void Callgrind_has_a_queued_event_in_the_order_of_its_costs()
        {
            using var buffer = new MemoryStream();
            new CallgrindExporter().Export(WithQueued(), buffer);
            var text = Encoding.UTF8.GetString(buffer.ToArray());
            Assert.That(text, Does.Contain("events: Wall Cpu Alloc Running Blocked Suspended Queued\n"));
            Assert.That(text, Does.Contain("event: Queued :"));
            // the summary line: wall 300 ms = running 50 + suspended 70 (Main's 10 of its own + Yielder's 60) + queued 180
            Assert.That(text, Does.Contain("summary: 300000000 50000000 0 50000000 0 70000000 180000000\n"));
        }

        [Test]
        public void The_html_frames_carry_queued_time_within_suspended()
        {
            var json = FrameJson.Write(WithQueued());
            Assert.That(json, Does.Contain("\"suspendedNs\":240000000,\"queuedNs\":180000000"));
            Assert.That(FrameJson.Write(WithoutQueued()), Does.Not.Contain("queuedNs"));
        }
    }
}
