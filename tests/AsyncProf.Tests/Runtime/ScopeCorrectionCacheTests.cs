using System;
using System.IO;
using System.Text.Json;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Runtime
{
    /// <summary>
    /// Scope profiles (one per profiled request on a server) reuse a recent probe-cost calibration instead of
    /// measuring it at every save; each profile still subtracts its own share.
    /// </summary>
    [TestFixture, NonParallelizable]
    public class ScopeCorrectionCacheTests
    {
        static readonly int Base = Probe.RegisterModule("sync\tCache.Leaf\tCache.cs\t1");

        static JsonElement ScopeCorrection(int calls)
        {
            using var scope = Profiler.StartScope();
            for (var i = 0; i < calls; i++)
            {
                var token = Probe.Active ? Probe.Enter(Base) : 0;
                Probe.Exit(token);
            }
            scope.Stop();
            var path = Path.Combine(Path.GetTempPath(), "asyncprof-scope-correction-" + Guid.NewGuid().ToString("N") + ".json");
            scope.Save(path);
            return ProfileFile.Load(path).RootElement.GetProperty("process").GetProperty("probeCorrection").Clone();
        }

        [Test]
        public void Two_scope_profiles_a_moment_apart_share_the_calibration_and_each_subtracts_its_own_share()
        {
            var first = ScopeCorrection(100);
            var second = ScopeCorrection(5000);
            var a = first.GetProperty("calibration");
            var b = second.GetProperty("calibration");
            foreach (var field in new[] { "insideNs", "outsideNs", "enterTailNs", "exitTailNs" })
                Assert.That(b.GetProperty(field).GetDouble(), Is.EqualTo(a.GetProperty(field).GetDouble()), field);
            Assert.That(second.GetProperty("subtractedWallNs").GetInt64(), Is.GreaterThan(first.GetProperty("subtractedWallNs").GetInt64()),
                "50 times the calls, more subtracted: the total is the profile's own");
        }

        [Test]
        public void Switched_off_means_off_even_with_a_calibration_at_hand()
        {
            ScopeCorrection(10);
            Environment.SetEnvironmentVariable("ASYNCPROF_CORRECTION", "off");
            try { Assert.That(ScopeCorrection(10).ValueKind, Is.EqualTo(JsonValueKind.Null)); }
            finally { Environment.SetEnvironmentVariable("ASYNCPROF_CORRECTION", null); }
        }
    }
}
