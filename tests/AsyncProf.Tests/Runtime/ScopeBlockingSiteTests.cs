using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace AsyncProf.Tests.Runtime
{
    /// <summary>
    /// A scoped profile (ProfilingScope, as ASP.NET Core's per-request profiling uses) carries the blocking sites of
    /// its own flow's work only: two scopes block at different sites side by side, a third flow with no scope blocks
    /// at a third, and each profile lists its own site alone.
    /// </summary>
    [TestFixture, NonParallelizable]
    public class ScopeBlockingSiteTests
    {
        static readonly int Base = Probe.RegisterModule(string.Join("\n",
            "sync\tB.RequestA\tB.cs\t1", "sync\tB.RequestB\tB.cs\t2", "sync\tB.Unscoped\tB.cs\t3"));

        static readonly int Sites = BlockingProbe.RegisterSites(string.Join("\n",
            "0\tThread.Sleep\tB.cs\t11", "1\tThread.Sleep\tB.cs\t12", "2\tThread.Sleep\tB.cs\t13"), Base);

        /// <summary>Function <paramref name="id"/> sleeps at its site, before and after an await that may hop threads.</summary>
        static async Task Request(int id, string? profileTo)
        {
            using var scope = profileTo != null ? Profiler.StartScope() : null;
            for (var i = 0; i < 2; i++)
            {
                var token = Probe.Active ? Probe.Enter(Base + id) : 0;
                var start = BlockingProbe.Enter();
                Thread.Sleep(20);
                BlockingProbe.Exit(start, Sites + id);
                Probe.Exit(token);
                await Task.Yield();
            }
            scope?.Stop();
            if (profileTo != null) scope!.Save(profileTo);
        }

        static string TempProfile() => Path.Combine(Path.GetTempPath(), "asyncprof-scope-blocking-" + Guid.NewGuid().ToString("N") + ".json");

        static (string Function, long Count, long Ns)[] Blocking(string path)
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (!doc.RootElement.TryGetProperty("blocking", out var sites)) return Array.Empty<(string, long, long)>();
            return sites.EnumerateArray().Select(s => (
                s.GetProperty("name").GetString()!, s.GetProperty("count").GetInt64(), s.GetProperty("blockedNs").GetInt64())).ToArray();
        }

        [Test]
        public void Each_scoped_profile_lists_the_blocking_of_its_own_flow_only()
        {
            var a = TempProfile();
            var b = TempProfile();
            Task.WhenAll(
                Task.Run(() => Request(0, a)),
                Task.Run(() => Request(1, b)),
                Task.Run(() => Request(2, null))).Wait();

            var sitesA = Blocking(a);
            var sitesB = Blocking(b);
            TestContext.Out.WriteLine("A: " + string.Join("; ", sitesA) + "\nB: " + string.Join("; ", sitesB));
            Assert.That(sitesA.Select(s => s.Function), Is.EqualTo(new[] { "B.RequestA" }));
            Assert.That(sitesB.Select(s => s.Function), Is.EqualTo(new[] { "B.RequestB" }));
            foreach (var s in sitesA.Concat(sitesB))
            {
                Assert.That(s.Count, Is.EqualTo(2));
                Assert.That(s.Ns, Is.GreaterThan(30_000_000L), "two sleeps of 20 ms");
            }
            Assert.That(Probe.Active, Is.False);
        }
    }
}
