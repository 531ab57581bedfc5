using System.IO;
using System.Linq;
using AsyncProf.Reports;
using AsyncProf.Reports.Exporters;
using AsyncProf.Reports.Analysis;
using AsyncProf.Reports.Text;
using NUnit.Framework;
using static AsyncProf.Tests.Reports.Diff.SyntheticProfiles;

namespace AsyncProf.Tests.Reports.Text
{
    /// <summary>The critical path report on profiles where every figure is known.</summary>
    [TestFixture]
    public class CriticalPathReportTests
    {
        const long Ms = 1_000_000;

        // Main (2 suspensions) awaits Handle twice; Handle awaits Http (200 ms) and Db (150 ms) together, and Http was
        // last 3 times of 4, Db once; Http awaited Socket last twice. A second, shorter root is never followed.
        static Profile Server() => Make("server",
            new Node("Main", 1, 900 * Ms, Suspends: 2),
            new Node("Main>Handle", 2, 850 * Ms, Suspends: 4, CriticalCount: 2, CriticalNs: 840 * Ms),
            new Node("Main>Handle>Http", 4, 800 * Ms, Suspends: 2, CriticalCount: 3, CriticalNs: 610 * Ms),
            new Node("Main>Handle>Http>Socket", 2, 300 * Ms, CriticalCount: 2, CriticalNs: 290 * Ms),
            new Node("Main>Handle>Db", 4, 600 * Ms, CriticalCount: 1, CriticalNs: 190 * Ms),
            new Node("Timer", 1, 10 * Ms));

        static Profile Reread(Profile p)
        {
            using var buffer = new MemoryStream();
            new NativeJsonExporter().Export(p, buffer);
            return ProfileReader.Parse(buffer.ToArray(), "reread.json");
        }

        [Test]
        public void The_path_follows_the_callee_waited_on_last_from_the_longest_root()
        {
            var p = Reread(Server());
            Assert.That(CriticalPath.Of(p).Select(n => p.Function(n.Function).Name), Is.EqualTo(new[] { "Main", "Handle", "Http", "Socket" }));
            var http = p.Tree.Single(n => p.Function(n.Function).Name == "Http");
            Assert.That((http.CriticalCount, http.CriticalNs), Is.EqualTo((3L, 610 * Ms)), "read back from the file");
        }

        [Test]
        public void The_report_says_how_often_each_step_was_last_and_what_else_was_awaited()
        {
            var lines = CriticalPathReport.Render(Server()).Split('\n');
            Assert.That(lines[0], Is.EqualTo("critical path: at each async call, the callee its resumptions waited on last"));
            var http = lines.Single(l => l.TrimStart().StartsWith("Http "));
            Assert.That(http, Does.StartWith("    Http ").And.Contain("3 of 4 resumptions").And.Contain("610.0 ms").And.EndWith("Db (1x last)"));
            Assert.That(lines.Single(l => l.TrimStart().StartsWith("Socket ")), Does.Contain("2 of 2 resumptions"));
        }

        [Test]
        public void The_html_view_marks_the_frames_of_the_path()
        {
            using var doc = System.Text.Json.JsonDocument.Parse(AsyncProf.Reports.Html.FrameJson.Write(Server()));
            var p = Server();
            var marked = doc.RootElement.GetProperty("frames").EnumerateArray()
                .Where(f => f.TryGetProperty("critical", out var c) && c.GetBoolean())
                .Select(f => p.Function(f.GetProperty("function").GetInt64()).Name).ToList();
            Assert.That(marked, Is.EqualTo(new[] { "Main", "Handle", "Http", "Socket" }));
            Assert.That(AsyncProf.Reports.Html.FrameJson.Write(Pipeline("old", 30)), Does.Not.Contain("critical"));
        }

        [Test]
        public void Without_critical_figures_the_path_is_its_root()
        {
            var p = Pipeline("old", 30);
            Assert.That(CriticalPath.Of(p).Select(n => p.Function(n.Function).Name), Is.EqualTo(new[] { "Main" }));
            Assert.That(CriticalPathReport.Render(p), Does.Contain("nothing to follow"));
        }
    }
}
