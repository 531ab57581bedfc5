using System;
using System.Linq;
using AsyncProf.Tests.Reports.Exporters;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports.Text
{
    using AsyncProf.Reports;
    using AsyncProf.Reports.Analysis;
    using AsyncProf.Reports.Exporters;
    using AsyncProf.Reports.Text;

    /// <summary>The indented call tree and the callers/callees report.</summary>
    [TestFixture, NonParallelizable]
    public class TextTreeReportTests
    {
        static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        [Test]
        public void The_tree_indents_callees_under_callers_with_shares_of_each_total()
        {
            var profile = ProfileReader.Load(FormatFixtures.DataFile("async-resume.json"));
            var text = TreeReport.Render(profile);
            TestContext.Out.WriteLine(text);
            var lines = Lines(text);
            Assert.That(lines[0], Is.EqualTo("call tree by wall; totals: wall 10.0 ms, CPU 3.0 ms, alloc 9.8 KB"));
            Assert.That(lines[1], Does.Match(@"^\s*wall%\s+wall\s+cpu%\s+cpu\s+alloc%\s+alloc\s+calls\s+function$"));
            var rows = lines.Skip(2).ToList();
            var callsColumn = lines[1].IndexOf("calls", StringComparison.Ordinal);
            Assert.That(rows.Select(r => r.Substring(callsColumn)), Is.EqualTo(new[]
            {
                "    1  Svc.Program.Main",
                "    2    Svc.Client.GetAsync",
                "    2      Svc.Client.Parse",
                "    1    Svc.Log.Write",
            }));
            string Cells(string r) => System.Text.RegularExpressions.Regex.Replace(r.Trim(), @"\s+", " ");
            Assert.That(Cells(rows[0]), Does.StartWith("100.0% 10.0 ms 100.0% 3.0 ms 100.0% 9.8 KB 1 Svc.Program.Main"));
            Assert.That(Cells(rows[1]), Does.StartWith("80.0% 8.0 ms 66.7% 2.0 ms 90.0% 8.8 KB 2"));
            Assert.That(Cells(rows[3]), Does.StartWith("6.0% 600.0 µs 16.7% 500.0 µs 0.0% 0 1"));
        }

        [Test]
        public void Depth_and_minimum_share_trim_the_tree()
        {
            var profile = FormatFixtures.Server(withTimeline: false);
            var top = Lines(TreeReport.Render(profile, new TreeReportOptions { MaxDepth = 1 }));
            Assert.That(top[0], Does.EndWith("(1 level deep)"));
            Assert.That(top.Skip(2).Take(2).Select(l => l.Trim().Split("  ").Last().Trim()), Is.EqualTo(new[] { FormatFixtures.Main, FormatFixtures.Background }));
            Assert.That(top.Last(), Does.StartWith("in flight:"), "a root in flight is flagged");

            var big = TreeReport.Render(profile, new TreeReportOptions { MinPercent = 5, Metric = ProfileMetric.Cpu });
            TestContext.Out.WriteLine(big);
            Assert.That(big, Does.Contain(FormatFixtures.Render));
            Assert.That(big, Does.Not.Contain(FormatFixtures.Fanout), "1.6% of CPU");
            Assert.That(big, Does.Contain("more under 5.0%"));
        }

        [Test]
        public void Callers_and_callees_show_each_ones_share_of_the_functions_time()
        {
            var profile = FormatFixtures.Server(withTimeline: false);
            var callers = CallersReport.Render(profile, "View.Format", CallDirection.Callers);
            TestContext.Out.WriteLine(callers);
            var lines = Lines(callers);
            Assert.That(lines[0], Is.EqualTo($"callers of {FormatFixtures.Format} (sync): 7 calls, wall 40.0 ms, CPU 39.0 ms, alloc 12.1 KB"));
            Assert.That(lines[2], Does.Match($@"^{FormatFixtures.Render}\s+6\s+40.0 ms\s+100.0%\s+39.0 ms\s+100.0%\s+12.1 KB\s+100.0%$"));
            Assert.That(lines[3], Does.Match($@"^{FormatFixtures.Recurse}\s+1\s+1.0 µs\s+0.0%\s+900 ns\s+0.0%\s+0\s+0.0%$"));

            var callees = CallersReport.Render(profile, FormatFixtures.Handle, CallDirection.Callees);
            TestContext.Out.WriteLine(callees);
            lines = Lines(callees);
            Assert.That(lines[2], Does.Match(@"^\(self\)\s+200.0 ms\s+22.2%\s+30.0 ms\s+22.4%"));
            Assert.That(lines[3], Does.Match($@"^{FormatFixtures.Query}\s+3\s+600.0 ms\s+66.7%"));
            Assert.That(lines[4], Does.Match($@"^{FormatFixtures.Render}\s+3\s+100.0 ms\s+11.1%"));

            var roots = CallersReport.Render(profile, FormatFixtures.Main, CallDirection.Callers);
            Assert.That(Lines(roots)[2], Does.StartWith("(root)"));

            var recursive = CallersReport.Render(profile, FormatFixtures.Recurse, CallDirection.Callers);
            Assert.That(recursive, Does.Contain(FormatFixtures.Recurse + "  "), "recursive calls are listed");
            Assert.That(Lines(recursive)[0], Does.Contain("7 calls, wall 30.0 ms"), "recursion counted once");

            var e = Assert.Throws<ArgumentException>(() => CallersReport.Render(profile, "NoSuchThing", CallDirection.Callers))!;
            Assert.That(e.Message, Is.EqualTo("no function named or containing 'NoSuchThing' in the profile"));
            Assert.That(CallersReport.Match(profile, "app.view.").Select(f => f.Name), Is.EqualTo(new[] { FormatFixtures.Format, FormatFixtures.Render }));
        }
    }
}
