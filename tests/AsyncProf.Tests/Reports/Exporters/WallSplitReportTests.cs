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
    /// The wall split (running, blocked, suspended) in every report, on a profile where every figure is known:
    /// Main (300 ms: 200 suspended) calls Work (100 ms: 50 on CPU, 50 blocked) and awaits Wait (200 ms, all suspended).
    /// </summary>
    [TestFixture]
    public class WallSplitReportTests
    {
        const long Ms = 1_000_000;

        static Profile WithSplit() => Make("split",
            new Node("Main", 1, 300 * Ms, SelfCpuNs: 10 * Ms, RunningNs: 60 * Ms, BlockedNs: 40 * Ms, SuspendedNs: 200 * Ms),
            new Node("Main>Work", 2, 100 * Ms, SelfCpuNs: 50 * Ms, RunningNs: 50 * Ms, BlockedNs: 50 * Ms),
            new Node("Main>Wait", 1, 200 * Ms, SuspendedNs: 200 * Ms));

        static Profile Reread(Profile p)
        {
            using var buffer = new MemoryStream();
            new NativeJsonExporter().Export(p, buffer);
            return ProfileReader.Parse(buffer.ToArray(), "reread.json");
        }

        [Test]
        public void The_reader_reads_the_split_and_an_older_file_has_none()
        {
            var p = Reread(WithSplit());
            Assert.That(p.HasWallSplit);
            var work = p.Functions.Single(f => f.Name == "Work");
            Assert.That((work.RunningNs, work.BlockedNs, work.SuspendedNs), Is.EqualTo((50 * Ms, 50 * Ms, 0L)));

            var old = Reread(Pipeline("old", 30));
            Assert.That(old.HasWallSplit, Is.False);
            using var buffer = new MemoryStream();
            new NativeJsonExporter().Export(old, buffer);
            Assert.That(Encoding.UTF8.GetString(buffer.ToArray()), Does.Not.Contain("runningNs"), "not written as zeros");
        }

        [Test]
        public void The_text_table_has_running_blocked_and_suspended_columns()
        {
            var lines = TextReport.Render(WithSplit()).Split('\n');
            var header = lines.Single(l => l.StartsWith("name "));
            var columns = header.Split("  ", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).ToList();
            Assert.That(columns, Is.SupersetOf(new[] { "running", "blocked", "suspended" }));
            string Cell(string function, string column)
            {
                var row = lines.Single(l => l.StartsWith(function + " "));
                var cells = row.Split("  ", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).ToList();
                return cells[columns.IndexOf(column)];
            }
            Assert.That((Cell("Work", "running"), Cell("Work", "blocked"), Cell("Work", "suspended")), Is.EqualTo(("50.0 ms", "50.0 ms", "0")));
            Assert.That((Cell("Main", "running"), Cell("Main", "blocked"), Cell("Main", "suspended")), Is.EqualTo(("60.0 ms", "40.0 ms", "200.0 ms")));
            Assert.That(lines, Has.Some.StartsWith("running + blocked + suspended = wall"));

            Assert.That(TextReport.Render(Pipeline("old", 30)), Does.Not.Contain("suspended"), "a profile without the split has no such column");
            Assert.That(TextReport.Render(WithSplit(), new TextReportOptions { Sort = ReportSort.Blocked }).Split('\n')
                .SkipWhile(l => !l.StartsWith("name ")).Skip(1).First(), Does.StartWith("Work "));
        }

        [Test]
        public void The_self_splits_add_up_to_the_self_walls()
        {
            var figures = CallTreeFigures.Of(WithSplit());
            foreach (var n in figures.Profile.Tree)
            {
                var s = figures.SelfSplit(n);
                Assert.That(s.RunningNs + s.BlockedNs + s.SuspendedNs, Is.EqualTo(figures.SelfWall(n)));
            }
            var work = figures.Profile.Tree.Single(n => figures.Profile.Function(n.Function).Name == "Work");
            Assert.That(figures.SelfSplit(work), Is.EqualTo(new WallSplit(50 * Ms, 50 * Ms, 0)));
            var wait = figures.Profile.Tree.Single(n => figures.Profile.Function(n.Function).Name == "Wait");
            Assert.That(figures.SelfSplit(wait), Is.EqualTo(new WallSplit(0, 0, 200 * Ms)));
        }

        [Test]
        public void Pprof_has_running_blocked_and_suspended_samples_adding_up_to_wall()
        {
            using var buffer = new MemoryStream();
            new PprofExporter().Export(WithSplit(), buffer);
            var p = PprofFormatTests.Decode(buffer.ToArray());
            PprofFormatTests.AssertWellFormed(p);
            var types = p.SampleTypes.Select(t => p.S(t.Type)).ToList();
            Assert.That(types, Is.EqualTo(new[] { "calls", "wall", "cpu", "alloc", "running", "blocked", "suspended" }));
            long Sum(string type) => p.Samples.Sum(s => s.Values[types.IndexOf(type)]);
            Assert.That((Sum("running"), Sum("blocked"), Sum("suspended")), Is.EqualTo((50 * Ms, 50 * Ms, 200 * Ms)));
            foreach (var s in p.Samples)
                Assert.That(s.Values[4] + s.Values[5] + s.Values[6], Is.EqualTo(s.Values[1]), "each sample's parts add up to its wall");
            var blocked = p.Samples.Single(s => s.Values[types.IndexOf("blocked")] > 0);
            Assert.That(PprofFormatTests.FunctionOf(p, blocked.LocationIds[0]), Is.EqualTo("Work"));

            using var old = new MemoryStream();
            new PprofExporter().Export(Pipeline("old", 30), old);
            Assert.That(PprofFormatTests.Decode(old.ToArray()).SampleTypes, Has.Count.EqualTo(4), "no split, no such sample types");
        }

        [Test]
        public void Callgrind_has_running_blocked_and_suspended_events()
        {
            using var buffer = new MemoryStream();
            new CallgrindExporter().Export(WithSplit(), buffer);
            var c = CallgrindFormatTests.Parse(Encoding.UTF8.GetString(buffer.ToArray()));
            Assert.That(c.Events, Is.EqualTo(new[] { "Wall", "Cpu", "Alloc", "Running", "Blocked", "Suspended" }));
            Assert.That(c.Totals![3..], Is.EqualTo(new[] { 50 * Ms, 50 * Ms, 200 * Ms }));
            Assert.That(c.Self["Work"][3..], Is.EqualTo(new[] { 50 * Ms, 50 * Ms, 0L }));
            Assert.That(c.Calls[("Main", "Wait")].Inclusive[3..], Is.EqualTo(new[] { 0L, 0L, 200 * Ms }));
            foreach (var (_, call) in c.Calls)
                Assert.That(call.Inclusive[3] + call.Inclusive[4] + call.Inclusive[5], Is.EqualTo(call.Inclusive[0]), "parts add up to the call's wall");
        }

        [Test]
        public void The_html_report_has_the_split_in_its_frames_and_functions()
        {
            var page = HtmlExporter.Render(WithSplit());
            Assert.That(page, Does.Contain("data-metric=\"blocked\""));
            var view = FrameJson.Write(WithSplit());
            using var doc = System.Text.Json.JsonDocument.Parse(view);
            var work = doc.RootElement.GetProperty("frames").EnumerateArray().Single(f => f.GetProperty("function").GetInt64() == 2);
            Assert.That(work.GetProperty("blockedNs").GetInt64(), Is.EqualTo(50 * Ms));
            Assert.That(FrameJson.Write(Pipeline("old", 30)), Does.Not.Contain("blockedNs"));
        }
    }
}
