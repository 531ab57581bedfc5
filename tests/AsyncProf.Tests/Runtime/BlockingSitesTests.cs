using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using NUnit.Framework;

namespace AsyncProf.Tests.Runtime
{
    /// <summary>A blocking call site counts the calls that blocked, not those that returned at once (an uncontended lock).</summary>
    [TestFixture, NonParallelizable]
    public class BlockingSitesTests
    {
        static readonly int Base = Probe.RegisterModule("sync\tS.Locks\tS.cs\t1");
        static readonly int Sites = BlockingProbe.RegisterSites("0\tSystem.Threading.Monitor.Enter\tS.cs\t7", Base);

        [Test]
        public void Calls_that_did_not_block_are_not_counted_and_those_that_did_are()
        {
            var path = Path.Combine(Path.GetTempPath(), "asyncprof-blocking-sites-" + System.Guid.NewGuid().ToString("N") + ".json");
            var gate = new object();
            Profiler.Start();
            var token = Probe.Enter(Base);
            for (var i = 0; i < 1000; i++)
            {
                var start = BlockingProbe.Enter();
                lock (gate) { } // uncontended: returns at once
                BlockingProbe.Exit(start, Sites);
            }
            for (var i = 0; i < 3; i++)
            {
                var start = BlockingProbe.Enter();
                Thread.Sleep(5);
                BlockingProbe.Exit(start, Sites);
            }
            Probe.Exit(token);
            Profiler.Stop();
            Profiler.Save(path);
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var site = doc.RootElement.GetProperty("blocking").EnumerateArray().Single();
            var count = site.GetProperty("count").GetInt64();
            TestContext.Out.WriteLine($"count {count}, blocked {site.GetProperty("blockedNs").GetInt64() / 1e6:0.00} ms");
            // 3 sleeps; an uncontended lock counts only when the thread was preempted right inside it (rare)
            Assert.That(count, Is.GreaterThanOrEqualTo(3).And.LessThan(3 + 50));
            Assert.That(site.GetProperty("blockedNs").GetInt64(), Is.GreaterThan(14_000_000L), "three 5 ms sleeps");
            File.Delete(path);
        }
    }
}
