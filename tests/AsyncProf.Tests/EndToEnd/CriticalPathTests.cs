using System.Linq;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.EndToEnd
{
    /// <summary>
    /// The critical path on the seed scenario (samples/SeedApp built by the real compiler, woven, run with 5 requests):
    /// Home awaits DoHttpRequest (200 ms) and FetchFromDbSync (150 ms on the pool) together, so each of its
    /// resumptions waited on DoHttpRequest last, and <c>report --critical-path</c> goes Home → DoHttpRequest.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class CriticalPathTests
    {
        const string Home = "SeedApp.Handlers.Home", Http = "SeedApp.Handlers.DoHttpRequest", Db = "SeedApp.Handlers.FetchFromDbSync";
        ProfileFile _profile = null!;

        [OneTimeSetUp]
        public void Run()
        {
            _profile = SeedSampleApp.Woven.RunProfiled("5").Profile;
        }

        static long Optional(ProfiledNode n, string field, ProfileFile p) =>
            p.RootElement.GetProperty("tree").EnumerateArray().Single(e => e.GetProperty("id").GetInt64() == n.Id)
                .TryGetProperty(field, out var v) ? v.GetInt64() : 0;

        [Test]
        public void Home_waited_on_the_http_request_last()
        {
            var home = _profile.NodesOf(Home).Single();
            var http = _profile.NodesOf(Http).Single(n => n.Parent == home.Id);
            var db = _profile.NodesOf(Db).Single(n => n.Parent == home.Id);
            var httpLast = Optional(http, "criticalCount", _profile);
            var dbLast = Optional(db, "criticalCount", _profile);
            TestContext.Out.WriteLine($"last: http {httpLast}, db {dbLast} of {home.Calls} calls");
            // the 50 ms between them is wide, but a loaded machine may delay the HTTP server's answer less than the sleep once
            Assert.That(httpLast, Is.GreaterThanOrEqualTo(4).And.LessThanOrEqualTo(home.Calls));
            Assert.That(httpLast, Is.GreaterThan(dbLast));
            Assert.That(Optional(http, "criticalNs", _profile), Is.GreaterThan(0).And.LessThanOrEqualTo(home.WallNs));
        }

        [Test]
        public void Report_critical_path_goes_through_home_to_the_http_request()
        {
            var r = CliRunner.Run("report", _profile.Path, "--critical-path");
            TestContext.Out.WriteLine(r.StdOut);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            var calls = CliRunner.Lines(r.StdOut).Skip(2).TakeWhile(l => !l.StartsWith("critical:")).Select(l => l.Trim().Split("  ")[0]).ToList();
            Assert.That(calls.IndexOf(Home), Is.GreaterThan(0), string.Join("\n", calls));
            Assert.That(calls[calls.IndexOf(Home) + 1], Is.EqualTo(Http), "after Home comes the call it waited on last");
        }
    }

    /// <summary>
    /// Sync work run with Task.Run can be the critical child: WhyWall's CriticalPath.Parent awaits Task.Run(() =>
    /// SyncSlow()) (150 ms) and FastAsync (30 ms) together, three times; each resumption waited on the Task.Run lambda.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class SyncTaskRunCriticalPathTests
    {
        [Test]
        public void Sync_work_run_with_task_run_is_what_the_caller_waited_on_last()
        {
            var p = WhyWallApp.Run("critical").Profile;
            var parent = p.NodesOf("WhyWall.CriticalPath.Parent").Single();
            var slow = p.NodesOf("WhyWall.CriticalPath.SyncSlow").Single();
            var lambda = p.Tree.Single(n => n.Id == slow.Parent);
            var fast = p.NodesOf("WhyWall.CriticalPath.FastAsync").Single(n => n.Parent == parent.Id);
            long Critical(ProfiledNode n) => p.RootElement.GetProperty("tree").EnumerateArray().Single(e => e.GetProperty("id").GetInt64() == n.Id)
                .TryGetProperty("criticalCount", out var v) ? v.GetInt64() : 0;
            TestContext.Out.WriteLine($"{p.Functions.Single(f => f.Id == lambda.Function).Name}: last {Critical(lambda)}; FastAsync: last {Critical(fast)}; of {parent.Suspends} suspensions");
            Assert.That(lambda.Parent, Is.EqualTo(parent.Id), "the lambda is Parent's callee");
            Assert.That(Critical(lambda), Is.EqualTo(3), "120 ms apart: the Task.Run work finished last each round");
            Assert.That(Critical(fast), Is.EqualTo(0));
        }
    }
}
