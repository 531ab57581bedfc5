using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using AsyncProf.Tests.Infrastructure;
using AsyncProf.Tests.Zoo;
using AsyncProf.Weaver;
using NUnit.Framework;

namespace AsyncProf.Tests.EndToEnd
{
    /// <summary>
    /// Blocking call sites and queued work in runtime-async methods (tests/Fixtures/WhyWallRuntimeAsync: WhyWall's
    /// source compiled runtime-async), woven and run with DOTNET_RuntimeAsync=1: a sleep inside an async method is a
    /// timed site like in a state machine, and work it queues with Task.Run learns its wait for a thread.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class RuntimeAsyncBlockingSiteTests
    {
        WovenApp _app = null!;
        ProfileFile _profile = null!;

        [OneTimeSetUp]
        public void BuildWeaveAndRun()
        {
            var settings = new WeaverSettings();
            settings.Exclude.Add("WhyWall.Work.*");
            _app = WovenApp.Create(ProjectBuilds.Build(RepoPaths.Fixture("WhyWallRuntimeAsync"), "Release"), WhyWallApp.AssemblyName, "whywall-runtime-async", settings);
            TestContext.Progress.WriteLine("runtime-async WhyWall: " + _app.Result);
            Assert.That(_app.Result.RuntimeAsyncMethods, Is.GreaterThanOrEqualTo(8), "its async methods are runtime-async: " + _app.Result);
            Assert.That(_app.Result.BlockingSites, Is.GreaterThanOrEqualTo(4), "Sleep (three), lock and .Result at least");
            _profile = _app.RunProfiled(new Dictionary<string, string?>(ZooApp.RuntimeAsyncEnvironment), "split").Profile;
        }

        JsonElement Site(string function, string call)
        {
            Assert.That(_profile.RootElement.TryGetProperty("blocking", out var sites), "the profile has a blocking section");
            var site = sites.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "WhyWall.Scenarios." + function &&
                                                         s.GetProperty("call").GetString() == call);
            TestContext.Out.WriteLine(site.ToString());
            return site;
        }

        [Test]
        public void A_sleep_inside_a_runtime_async_method_is_a_pool_thread_block_at_its_line()
        {
            Assert.That(_profile.Function("WhyWall.Scenarios.SleepsInAsync").Kind, Is.EqualTo("async"));
            var site = Site("SleepsInAsync", "System.Threading.Thread.Sleep");
            Assert.That(site.GetProperty("line").GetInt32(), Is.EqualTo(BlockingSiteTests.LineOf("Thread.Sleep(100); // blocks a pool thread")));
            Assert.That(Path.GetFileName(site.GetProperty("file").GetString()), Is.EqualTo("Program.cs"));
            Assert.That(site.GetProperty("blockedNs").GetInt64(), Is.GreaterThan(70_000_000L));
            Assert.That(site.GetProperty("poolThreadCount").GetInt64(), Is.EqualTo(1), "it resumed on a pool thread after Task.Yield");
        }

        [Test]
        public void Work_a_runtime_async_method_queues_on_a_starved_pool_is_queued_time()
        {
            var f = _profile.Function("WhyWall.Scenarios.WaitsForAPoolThread");
            TestContext.Out.WriteLine($"queued {f.QueuedNs / 1e6:0.0} ms of suspended {f.SuspendedNs / 1e6:0.0} ms");
            Assert.That(f.QueuedNs, Is.GreaterThan(150_000_000L), "the Task.Run work waited ~200 ms for a pool thread");
            Assert.That(f.QueuedNs, Is.LessThanOrEqualTo(f.SuspendedNs));
        }

        /// <summary>
        /// The invariants that hold for concurrent code: the pool-starving scenario runs its sleepers side by side
        /// under one caller, so the child-wall and CPU-above-wall rules, which assume one thing at a time, do not apply.
        /// </summary>
        [Test]
        public void Calls_and_sums_add_up()
        {
            Assert.That(ProfileInvariants.CallAccountingFailures(_profile), Is.Empty);
            Assert.That(ProfileInvariants.InclusiveSumFailures(_profile), Is.Empty);
            Assert.That(ProfileInvariants.FunctionTotalFailures(_profile), Is.Empty);
            Assert.That(ProfileInvariants.LeafCpuAboveWallFailures(_profile), Is.Empty);
        }
    }
}
