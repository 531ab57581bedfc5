using System;
using System.Collections.Generic;
using System.Linq;
using AsyncProf.Tests.Infrastructure;
using AsyncProf.Tests.Zoo;
using NUnit.Framework;

namespace AsyncProf.Tests.EndToEnd
{
    /// <summary>
    /// The seed scenario built runtime-async (tests/Fixtures/SeedAppRuntimeAsync: samples/SeedApp's sources, no state
    /// machines), woven and run with DOTNET_RuntimeAsync=1, against the state-machine build of the same sources: the
    /// same checks as <see cref="SeedScenarioTests"/> hold, and both profiles have the same functions, calls and
    /// caller -> callee calls. Wall and CPU are only printed side by side (docs/benchmarks.md), never compared.
    /// </summary>
    [TestFixture]
    [NonParallelizable]
    [Category(Categories.Integration)]
    public class RuntimeAsyncSeedScenarioTests
    {
        ProfileFile runtimeAsync = null!;
        ProfileFile stateMachines = null!;

        [OneTimeSetUp]
        public void BuildWeaveAndRunBoth()
        {
            var build = ProjectBuilds.Build(RepoPaths.Fixture("SeedAppRuntimeAsync"), "Release");
            var app = WovenApp.Create(build, "SeedApp", "seed-runtime-async");
            TestContext.Progress.WriteLine("runtime-async seed: " + app.Result);
            Assert.That(app.Result.RuntimeAsyncMethods, Is.GreaterThanOrEqualTo(5), "Home, DoHttpRequest and the server's async methods are runtime-async: " + app.Result);
            Assert.That(app.Result.AsyncMethods, Is.EqualTo(0), "no state machine left: " + app.Result);
            runtimeAsync = app.RunProfiled(new Dictionary<string, string?>(ZooApp.RuntimeAsyncEnvironment), SeedScenarioTests.Runs.ToString()).Profile;

            stateMachines = SeedSampleApp.Woven.RunProfiled(SeedScenarioTests.Runs.ToString()).Profile;
            TestContext.Progress.WriteLine("runtime-async " + SeedScenarioTests.Figures(runtimeAsync) + "\nstate machines " + SeedScenarioTests.Figures(stateMachines));
        }

        [Test]
        public void The_profile_invariants_hold_for_the_runtime_async_build() => ProfileInvariants.AssertHold(runtimeAsync);

        [Test]
        public void The_seed_checks_hold_for_the_runtime_async_build()
        {
            var failures = SeedScenarioTests.CallCountFailures(runtimeAsync)
                .Concat(SeedScenarioTests.HomeWallFailures(runtimeAsync))
                .Concat(SeedScenarioTests.DbFailures(runtimeAsync))
                .Concat(SeedScenarioTests.HttpFailures(runtimeAsync)).ToList();
            Assert.That(failures, Is.Empty, SeedScenarioTests.Figures(runtimeAsync));
            // The absolute CPU bounds of SeedScenarioTests depend on how busy the machine is (the parse spins for
            // wall time); what must hold here is the relation: Home's CPU contains the parse's and not its waiting.
            var home = runtimeAsync.Function(SeedScenarioTests.Home);
            var parse = runtimeAsync.Function(SeedScenarioTests.ParseContents);
            Assert.That(home.CpuNs, Is.GreaterThanOrEqualTo(parse.CpuNs), "Home's inclusive CPU covers ParseContents'");
            Assert.That(home.CpuNs, Is.LessThan(home.WallNs * 0.7), "Home's waiting is not CPU");
        }

        [Test]
        public void Both_builds_give_the_same_functions_and_calls()
        {
            Assert.That(Calls(runtimeAsync), Is.EqualTo(Calls(stateMachines)), "function: calls (runtime-async vs state machines)");
            Assert.That(runtimeAsync.Function(SeedScenarioTests.Home).Suspends, Is.EqualTo(stateMachines.Function(SeedScenarioTests.Home).Suspends),
                "Home suspends once per request at its WhenAll in both builds");
        }

        [Test]
        public void Both_builds_give_the_same_call_tree()
        {
            Assert.That(Edges(runtimeAsync), Is.EqualTo(Edges(stateMachines)), "caller -> callee: calls (runtime-async vs state machines)");
        }

        /// <summary>
        /// The issue's "same figures within noise": the seed's durations are built in (a 100 ms spin, a 150 ms sleep,
        /// a 200 ms server delay), so each function's wall per call may differ between the builds by scheduling
        /// noise only: 15% of the larger plus 10 ms; its CPU per call by 25% plus 10 ms (the spin gets less CPU on
        /// a busy machine, in either build); allocations are not compared (a runtime-async frame allocates per suspension).
        /// </summary>
        [Test]
        public void Both_builds_give_the_same_wall_and_cpu_within_noise()
        {
            var differences = new List<string>();
            foreach (var name in new[] { SeedScenarioTests.Home, SeedScenarioTests.ParseContents, SeedScenarioTests.DoHttpRequest, SeedScenarioTests.FetchFromDbSync })
            {
                var a = runtimeAsync.Function(name);
                var b = stateMachines.Function(name);
                TestContext.Out.WriteLine($"{name}: wall {a.WallMsPerCall:F1} / {b.WallMsPerCall:F1} ms per call, cpu {a.CpuMsPerCall:F1} / {b.CpuMsPerCall:F1} ms per call (runtime-async / state machines)");
                void Compare(string what, double x, double y, double relative)
                {
                    if (Math.Abs(x - y) > relative * Math.Max(x, y) + 10)
                        differences.Add($"{name}: {what} {x:F1} ms per call runtime-async, {y:F1} ms state machines");
                }
                Compare("wall", a.WallMsPerCall, b.WallMsPerCall, 0.15);
                Compare("cpu", a.CpuMsPerCall, b.CpuMsPerCall, 0.25);
            }
            Assert.That(differences, Is.Empty);
        }

        static List<string> Calls(ProfileFile p) =>
            p.Functions.Select(f => $"{f.Name}: {f.Calls}, in flight {f.InFlight}, faults {f.Faults}").OrderBy(s => s, StringComparer.Ordinal).ToList();

        static List<string> Edges(ProfileFile p) =>
            p.Edges.Select(e => $"{(e.Caller == null ? "(root)" : p.FunctionById(e.Caller.Value).Name)} -> {p.FunctionById(e.Callee).Name}: {e.Calls}")
                .OrderBy(s => s, StringComparer.Ordinal).ToList();
    }
}
