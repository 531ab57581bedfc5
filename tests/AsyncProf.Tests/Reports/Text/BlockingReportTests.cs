using System;
using System.IO;
using System.Linq;
using System.Text;
using AsyncProf.Reports;
using AsyncProf.Reports.Exporters;
using AsyncProf.Reports.Text;
using NUnit.Framework;
using static AsyncProf.Tests.Reports.Diff.SyntheticProfiles;

namespace AsyncProf.Tests.Reports.Text
{
    /// <summary>The profile's optional <c>blocking</c> section: read, written back, refused when damaged, and listed by <c>--blocking</c>.</summary>
    [TestFixture]
    public class BlockingReportTests
    {
        const long Ms = 1_000_000;

        static string Json(Profile p)
        {
            using var buffer = new MemoryStream();
            new NativeJsonExporter().Export(p, buffer);
            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        /// <summary>A pipeline profile with a blocking section spliced in before its end.</summary>
        static string WithBlocking(string entries)
        {
            var json = Json(Pipeline("app", 30)).TrimEnd();
            return json.Substring(0, json.Length - 1) + ",\"blocking\":[" + entries + "]}";
        }

        const string Result = "{\"function\":4,\"name\":\"Transform\",\"call\":\"System.Threading.Tasks.Task<T>.Result\",\"file\":\"/src/App/Pipeline.cs\",\"line\":42," +
                              "\"count\":3,\"blockedNs\":90000000,\"maxNs\":50000000,\"poolThreadCount\":2,\"poolThreadNs\":80000000}";
        const string Sleep = "{\"function\":3,\"name\":\"Parse\",\"call\":\"System.Threading.Thread.Sleep\",\"file\":null,\"line\":0," +
                             "\"count\":1,\"blockedNs\":20000000,\"maxNs\":20000000,\"poolThreadCount\":0,\"poolThreadNs\":0}";

        [Test]
        public void The_section_is_read_and_written_back()
        {
            var p = ProfileReader.Parse(Encoding.UTF8.GetBytes(WithBlocking(Result + "," + Sleep)), "app.json");
            Assert.That(p.BlockingSites, Has.Count.EqualTo(2));
            var r = p.BlockingSites[0];
            Assert.That((r.Function, r.Name, r.Call, r.File, r.Line, r.Count, r.BlockedNs, r.MaxNs, r.PoolThreadCount, r.PoolThreadNs),
                Is.EqualTo(((long?)4, "Transform", "System.Threading.Tasks.Task<T>.Result", "/src/App/Pipeline.cs", 42, 3L, 90 * Ms, 50 * Ms, 2L, 80 * Ms)));
            var again = ProfileReader.Parse(Encoding.UTF8.GetBytes(Json(p)), "again.json");
            Assert.That(again.BlockingSites.Select(s => (s.Name, s.BlockedNs)), Is.EqualTo(p.BlockingSites.Select(s => (s.Name, s.BlockedNs))));
            Assert.That(ProfileReader.Parse(Encoding.UTF8.GetBytes(Json(Pipeline("old", 30))), "old.json").BlockingSites, Is.Empty);
        }

        [TestCase("{\"function\":99,\"name\":\"X\",\"call\":\"C\",\"line\":1,\"count\":1,\"blockedNs\":1,\"maxNs\":1}", "blocking[0].function: no function with id 99")]
        [TestCase("{\"function\":null,\"name\":\"X\",\"call\":\"C\",\"line\":1,\"count\":1,\"blockedNs\":-5,\"maxNs\":1}", "blocking[0].blockedNs: negative (-5)")]
        [TestCase("{\"function\":null,\"call\":\"C\",\"count\":1,\"blockedNs\":1,\"maxNs\":1}", "missing \"blocking[0].name\"")]
        public void A_damaged_section_is_one_line_naming_the_file_and_place(string entry, string problem)
        {
            var e = Assert.Throws<ProfileFormatException>(() => ProfileReader.Parse(Encoding.UTF8.GetBytes(WithBlocking(entry)), "bad.json"));
            Assert.That(e!.Message, Is.EqualTo("bad.json: " + problem));
        }

        [Test]
        public void The_report_lists_sites_most_time_first_with_file_line_and_pool_threads()
        {
            var p = ProfileReader.Parse(Encoding.UTF8.GetBytes(WithBlocking(Sleep + "," + Result)), "app.json");
            var lines = BlockingReport.Render(p).Split('\n');
            Assert.That(lines[0], Is.EqualTo("2 blocking call sites, sorted by time blocked; 1 blocked thread-pool threads"));
            Assert.That(lines[2], Does.StartWith("function").And.Contain("call").And.Contain("file:line").And.Contain("worst").And.EndWith("pool thread"));
            Assert.That(lines[3], Does.StartWith("Transform ").And.Contain("Pipeline.cs:42").And.Contain("90.0 ms").And.Contain("50.0 ms").And.EndWith("yes: 2 of 3, 80.0 ms"));
            Assert.That(lines[4], Does.StartWith("Parse ").And.Contain(" ? ").And.EndWith(" no"));
            Assert.That(BlockingReport.Render(Pipeline("none", 30)), Does.StartWith("no blocking call site was reached"));
        }
    }
}
