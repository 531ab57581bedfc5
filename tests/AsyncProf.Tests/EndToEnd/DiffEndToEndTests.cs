using System.IO;
using System.Linq;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.EndToEnd
{
    /// <summary>
    /// <c>asyncprof diff</c> on two real runs: the WhyWall fixture built by the real compiler, woven once, run with
    /// Transform at 5 ms and at 120 ms of CPU per call; everything else is the same code. The diff must name
    /// Transform first, and --fail-over must name Transform alone (its callers grew only through it).
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class DiffEndToEndTests
    {
        const string Transform = "WhyWall.Pipeline.Transform";
        string _before = null!, _after = null!, _dir = null!;

        [OneTimeSetUp]
        public void RunTwice()
        {
            _dir = WhyWallApp.Woven.Directory;
            _before = WhyWallApp.Run("pipeline", "5").Profile.Path;
            _after = WhyWallApp.Run("pipeline", "120").Profile.Path;
        }

        [Test]
        public void The_diff_names_the_function_made_slower_first()
        {
            var r = CliRunner.Run("diff", _before, _after);
            TestContext.Out.WriteLine(r.StdOut);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            var lines = CliRunner.Lines(r.StdOut).ToList();
            var functions = lines.FindIndex(l => l.StartsWith("functions:"));
            Assert.That(lines[functions + 2], Does.StartWith(Transform + " "));
            var paths = lines.FindIndex(l => l.StartsWith("call paths:"));
            Assert.That(lines[paths + 2], Does.Contain("WhyWall.Pipeline.Run > " + Transform + " "));

            // Its profile says what the diff says: 3 calls each, 15 ms against 360 ms of the slower's own time.
            var before = ProfileFile.Load(_before).Function(Transform);
            var after = ProfileFile.Load(_after).Function(Transform);
            Assert.That((before.Calls, after.Calls), Is.EqualTo((3L, 3L)));
            Assert.That(after.WallNs - before.WallNs, Is.GreaterThan(250_000_000L), "at least 250 of the 345 ms added");
        }

        [Test]
        public void Fail_over_names_only_the_slower_function()
        {
            // Transform's own time grows about 16-fold; 300% leaves room for the noise of a loaded machine in the rest.
            var r = CliRunner.Run("diff", _before, _after, "--fail-over", "300");
            TestContext.Out.WriteLine(r);
            Assert.That(r.ExitCode, Is.EqualTo(4), r.ToString());
            Assert.That(r.StdErr, Does.Contain("in 1 function: " + Transform + " (+"));

            var same = CliRunner.Run("diff", _before, _before, "--fail-over", "0");
            Assert.That(same.ExitCode, Is.EqualTo(0), same.ToString());
        }

        [Test]
        public void The_html_diff_has_both_runs_figures_of_the_slower_function()
        {
            var html = Path.Combine(_dir, "diff.html");
            var r = CliRunner.Run("diff", _before, _after, "-o", html);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            var page = File.ReadAllText(html);
            const string open = "id=\"diff-data\">";
            var data = page.Substring(page.IndexOf(open) + open.Length);
            using var doc = System.Text.Json.JsonDocument.Parse(data.Substring(0, data.IndexOf("</script>")));
            var frame = doc.RootElement.GetProperty("frames").EnumerateArray().Single(f => f.GetProperty("name").GetString() == Transform);
            var before = frame.GetProperty("b").GetProperty("self").GetProperty("wall").GetInt64();
            var after = frame.GetProperty("a").GetProperty("self").GetProperty("wall").GetInt64();
            Assert.That(after - before, Is.GreaterThan(250_000_000L));
        }
    }
}
