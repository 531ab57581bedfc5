using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.EndToEnd
{
    /// <summary>
    /// Blocking call sites found by the weaver and timed by the runtime, in a real run of the WhyWall fixture (built
    /// by the real compiler, woven, run with <c>split</c>): the profile's <c>blocking</c> section names each site's
    /// function, call, file and line (from the PDB), and whether it blocked a thread-pool thread; <c>asyncprof report
    /// --blocking</c> lists them. Lines are looked up in the fixture's source, never written here.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class BlockingSiteTests
    {
        ProfileFile _profile = null!;
        WovenApp _app = null!;

        static readonly string Source = WhyWallApp.Source;

        [OneTimeSetUp]
        public void Run()
        {
            _app = WhyWallApp.Woven;
            Assert.That(_app.Result.BlockingSites, Is.GreaterThanOrEqualTo(3), "Sleep, lock and .Result at least");
            _profile = WhyWallApp.Run("split").Profile;
        }

        /// <summary>The 1-based line of the fixture's source holding <paramref name="text"/>, which must be on one line only.</summary>
        internal static int LineOf(string text)
        {
            var lines = File.ReadAllLines(Source);
            var found = Enumerable.Range(0, lines.Length).Where(i => lines[i].Contains(text, StringComparison.Ordinal)).ToList();
            Assert.That(found, Has.Count.EqualTo(1), $"'{text}' on one line of {Source}");
            return found[0] + 1;
        }

        JsonElement Site(string function, string call)
        {
            Assert.That(_profile.RootElement.TryGetProperty("blocking", out var sites), "the profile has a blocking section");
            var matches = sites.EnumerateArray().Where(s => s.GetProperty("name").GetString() == "WhyWall.Scenarios." + function &&
                                                            s.GetProperty("call").GetString() == call).ToList();
            Assert.That(matches, Has.Count.EqualTo(1), $"{function} → {call} in:\n{sites}");
            var site = matches[0];
            TestContext.Out.WriteLine(site.ToString());
            Assert.That(site.GetProperty("function").GetInt64(), Is.EqualTo(_profile.Function("WhyWall.Scenarios." + function).Id));
            Assert.That(Path.GetFileName(site.GetProperty("file").GetString()), Is.EqualTo("Program.cs"));
            Assert.That(site.GetProperty("count").GetInt64(), Is.EqualTo(1));
            return site;
        }

        [Test]
        public void Sync_over_async_on_a_pool_thread_is_a_pool_thread_block_at_its_line()
        {
            var site = Site("SyncOverAsync", "System.Threading.Tasks.Task<T>.Result");
            Assert.That(site.GetProperty("line").GetInt32(), Is.EqualTo(LineOf("=> DelayedValue().Result")));
            var blocked = site.GetProperty("blockedNs").GetInt64();
            var wall = _profile.Function("WhyWall.Scenarios.SyncOverAsync").WallNs;
            Assert.That(blocked, Is.GreaterThan(wall * 8 / 10).And.LessThanOrEqualTo(wall), "blocked ≈ the method's wall time");
            Assert.That(site.GetProperty("maxNs").GetInt64(), Is.EqualTo(blocked), "one call: its worst is its total");
            Assert.That(site.GetProperty("poolThreadCount").GetInt64(), Is.EqualTo(1), "it ran in Task.Run");
            Assert.That(site.GetProperty("poolThreadNs").GetInt64(), Is.EqualTo(blocked));
        }

        [Test]
        public void A_sleep_on_the_main_thread_is_not_a_pool_thread_block()
        {
            var site = Site("Sleeps", "System.Threading.Thread.Sleep");
            Assert.That(site.GetProperty("line").GetInt32(), Is.EqualTo(LineOf("=> Thread.Sleep(200)")));
            Assert.That(site.GetProperty("blockedNs").GetInt64(), Is.GreaterThan(150_000_000L));
            Assert.That(site.GetProperty("poolThreadCount").GetInt64(), Is.EqualTo(0));
        }

        [Test]
        public void A_contended_lock_is_timed_at_its_lock_statement()
        {
            var site = Site("ContendedLock", "System.Threading.Monitor.Enter");
            Assert.That(site.GetProperty("line").GetInt32(), Is.EqualTo(LineOf("lock (Gate) counter++;")));
            Assert.That(site.GetProperty("blockedNs").GetInt64(), Is.GreaterThan(100_000_000L), "the holder kept it for 200 ms");
        }

        [Test]
        public void A_sleep_inside_an_async_method_is_found_and_the_awaits_are_not_sites()
        {
            var site = Site("SleepsInAsync", "System.Threading.Thread.Sleep");
            Assert.That(site.GetProperty("line").GetInt32(), Is.EqualTo(LineOf("Thread.Sleep(100); // blocks a pool thread")));
            Assert.That(site.GetProperty("blockedNs").GetInt64(), Is.GreaterThan(70_000_000L));
            Assert.That(site.GetProperty("poolThreadCount").GetInt64(), Is.EqualTo(1), "it resumed on a pool thread after Task.Yield");
            var calls = _profile.RootElement.GetProperty("blocking").EnumerateArray().Select(s => s.GetProperty("call").GetString()).ToList();
            Assert.That(calls, Has.None.Contains("TaskAwaiter"), "the GetResult of every await is no blocking site");
        }

        [Test]
        public void The_weave_summary_counts_the_sites()
        {
            Assert.That(_app.Result.ToString(), Does.Contain($"; {_app.Result.BlockingSites} blocking call sites timed), left out"));
        }

        [Test]
        public void Report_blocking_lists_the_sites_with_file_line_and_pool_flag()
        {
            var r = CliRunner.Run("report", _profile.Path, "--blocking");
            TestContext.Out.WriteLine(r.StdOut);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            var lines = CliRunner.Lines(r.StdOut);
            var sites = _profile.RootElement.GetProperty("blocking").EnumerateArray().ToList();
            var onPool = sites.Count(x => x.GetProperty("poolThreadCount").GetInt64() > 0); // the lock too: it runs after an await
            Assert.That(lines[0], Is.EqualTo($"{sites.Count} blocking call sites, sorted by time blocked; {onPool} blocked thread-pool threads"));
            Assert.That(lines[1], Does.StartWith("function").And.Contain("file:line").And.Contain("worst").And.Contain("pool thread"));
            var result = lines.Single(l => l.StartsWith("WhyWall.Scenarios.SyncOverAsync "));
            Assert.That(result, Does.Contain("System.Threading.Tasks.Task<T>.Result").And.Contain("Program.cs:" + LineOf("=> DelayedValue().Result")).And.Contain("yes: 1 of 1"));
            Assert.That(lines.Single(l => l.StartsWith("WhyWall.Scenarios.Sleeps ")), Does.EndWith(" no"));
        }
    }
}
