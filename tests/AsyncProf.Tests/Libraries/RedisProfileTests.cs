using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Libraries
{
    /// <summary>
    /// StackExchange.Redis's public async APIs against a real redis-server. Its APIs are plain methods returning a
    /// task that the library's reader loop completes, the shape of issue 7. Sets and gets take microseconds on the
    /// server: they must show some wall time and no more CPU than wall. The slow reads run a Lua script that keeps the
    /// server busy for 25 ms: ScriptEvaluateAsync must show that time in its wall, and little CPU (the bounds are
    /// those of <see cref="PostgresProfileTests"/>, for the same reasons).
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class RedisProfileTests
    {
        const string SlowRead = "LibraryWorkload.RedisSteps.SlowRead", ScriptEvaluateAsync = "StackExchange.Redis.RedisDatabase.ScriptEvaluateAsync";
        const int SlowReads = 5;
        const long ServerWaitNs = 25_000_000;

        static CallTotals Calls(string caller, string callee) => LibraryCalls.From(LibraryWorkloadRun.Shared.Profile, caller, callee);

        [TestCase("LibraryWorkload.RedisSteps.RunAsync", "StackExchange.Redis.ConnectionMultiplexer.ConnectAsync")]
        [TestCase("LibraryWorkload.RedisSteps.RunAsync", "StackExchange.Redis.ConnectionMultiplexer.DisposeAsync")]
        [TestCase("LibraryWorkload.RedisSteps.SetAndGet", "StackExchange.Redis.RedisDatabase.StringSetAsync")]
        [TestCase("LibraryWorkload.RedisSteps.SetAndGet", "StackExchange.Redis.RedisDatabase.StringGetAsync")]
        [TestCase(SlowRead, ScriptEvaluateAsync)]
        public void AsyncApiHasWallAndNoMoreCpuThanWall(string caller, string api)
        {
            var calls = Calls(caller, api);
            Assert.Multiple(() =>
            {
                Assert.That(calls.Calls, Is.GreaterThan(0), calls.ToString());
                Assert.That(calls.WallNs, Is.GreaterThan(0), calls.ToString());
                Assert.That(calls.CpuNs, Is.LessThanOrEqualTo(calls.WallNs + ProfileInvariants.CpuToleranceNs(calls.WallNs)), calls.ToString());
            });
        }

        [Test]
        public void ScriptEvaluateWallCoversTheServersTime()
        {
            // The control: the workload's own async method is woven as async from the start.
            var step = LibraryWorkloadRun.Shared.Profile.Function(SlowRead);
            Assert.That(step.WallNs, Is.GreaterThanOrEqualTo(SlowReads * ServerWaitNs), step.ToString());
            var calls = Calls(SlowRead, ScriptEvaluateAsync);
            Assert.That(calls.WallNs, Is.GreaterThanOrEqualTo(SlowReads * ServerWaitNs),
                $"{SlowReads} scripts each keeping the server busy for 25 ms, awaited through {ScriptEvaluateAsync}\n{calls}");
        }

        [Test]
        public void ScriptEvaluateCpuIsFarBelowItsWall()
        {
            var calls = Calls(SlowRead, ScriptEvaluateAsync);
            Assert.That(calls.CpuNs, Is.LessThanOrEqualTo(calls.WallNs / 2), "waiting for the server is not CPU\n" + calls);
        }
    }
}
