using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Zoo
{
    /// <summary>
    /// The async zoo (tests/Fixtures/AsyncZoo) built in Debug (class state machines) and Release (struct state
    /// machines), woven with the weaver core, run once with ASYNCPROF_OUTPUT, and checked against the [Expect]
    /// attributes read from the unwoven assembly: one test case per expectation, exact calls, suspends and faults.
    /// Plus the properties no single expectation shows: nothing left in flight, tree placement of work started on
    /// other threads, wall time including suspensions, and the naive weave's wrong count.
    /// </summary>
    [TestFixture("Debug")]
    [TestFixture("Release")]
    [TestFixture("Debug" + ZooApp.RuntimeAsyncSuffix)]
    [TestFixture("Release" + ZooApp.RuntimeAsyncSuffix)]
    [NonParallelizable]
    [Category(Categories.Integration)]
    public class ZooTests
    {
        const string Loop35 = "AsyncZoo.AsyncScenarios.Loop35";
        const string DelayTwenty = "AsyncZoo.AsyncScenarios.DelayTwenty";
        const double DelayMs = 20;

        readonly string configuration;

        public ZooTests(string configuration) => this.configuration = configuration;

        ProfileFile Profile => ZooApp.Run(configuration).Profile;

        IReadOnlyList<ZooExpectation> Expectations => ZooApp.Expectations(configuration);

        [OneTimeSetUp]
        public void BuildWeaveAndRun()
        {
            var app = ZooApp.Woven(configuration);
            TestContext.Progress.WriteLine($"zoo {configuration}: {app.Result}");
            var profile = ZooApp.Run(configuration).Profile;
            TestContext.Progress.WriteLine($"zoo {configuration}: ran, {profile.Functions.Count} functions, " +
                                           $"{profile.Tree.Count} tree nodes, profile {profile.Path}");
        }

        /// <summary>
        /// One case per [Expect] display name. Test cases are made at discovery, so this builds the zoo (Debug, the
        /// same build the Debug fixture then uses); the values are read again from each configuration's own build.
        /// </summary>
        public static IEnumerable<TestCaseData> ExpectedNames()
        {
            IReadOnlyList<ZooExpectation> found;
            string? error = null;
            try
            {
                found = ZooApp.Expectations("Debug");
            }
            catch (Exception e)
            {
                found = Array.Empty<ZooExpectation>();
                error = e.Message;
            }
            if (error != null)
                return new[] { new TestCaseData("(zoo build failed: " + error + ")").SetArgDisplayNames("zoo build failed") };
            return found.Select(e => e.DisplayName).Distinct().OrderBy(n => n, StringComparer.Ordinal)
                .Select(n => new TestCaseData(n).SetArgDisplayNames(n));
        }

        [TestCaseSource(nameof(ExpectedNames))]
        public void Expectation(string displayName)
        {
            var expected = Expectations.Where(e => e.DisplayName == displayName).ToList();
            Assert.That(expected, Has.Count.EqualTo(1), $"[Expect(\"{displayName}\")] in the {configuration} build");
            var e = expected[0];
            var f = Profile.FindFunction(displayName);
            if (e.Calls == 0 && f == null)
                return; // never called: absent is fine
            Assert.That(f, Is.Not.Null, $"{e}\nnot in the profile; it has:\n  " + string.Join("\n  ", SimilarNames(displayName)));
            Assert.Multiple(() =>
            {
                Assert.That(f!.Calls, Is.EqualTo(e.Calls), $"calls of {e}");
                Assert.That(f.Suspends, Is.EqualTo(e.Suspends), $"suspends of {e}");
                Assert.That(f.Faults, Is.EqualTo(e.Faults), $"faults of {e}");
                Assert.That(f.InFlight, Is.EqualTo(0), $"inFlight of {e}");
            });
        }

        [Test]
        public void The_call_accounting_and_cpu_invariants_hold()
        {
            // The zoo runs on a single-threaded pump but has WhenAll and parallel sections (Threads): the per-node wall
            // rule does not apply to concurrent calls of one node, the accounting and CPU-within-wall rules do.
            var profile = ZooApp.Run(configuration).Profile;
            var failures = ProfileInvariants.CallAccountingFailures(profile)
                .Concat(ProfileInvariants.CpuAboveWallFailures(profile, ConcurrentByDesign))
                .ToList();
            Assert.That(failures, Is.Empty);
        }

        /// <summary>
        /// Functions that do two things at once, so their inclusive CPU may exceed their wall: RunsWork starts Task.Run
        /// work and goes on running (its first call JIT-compiles the await machinery for several ms, Debug) while that
        /// work already runs on a pool thread; the overlap is real CPU on two cores (seen: 83.7 ms of CPU in 73.6 ms).
        /// </summary>
        static readonly string[] ConcurrentByDesign = { "AsyncZoo.Threads.RunsWork" };

        [Test]
        public void Expectations_are_well_formed()
        {
            var all = Expectations;
            Assert.That(all, Has.Count.GreaterThan(50), "the zoo's [Expect]s");
            var duplicates = all.GroupBy(e => e.DisplayName).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.That(duplicates, Is.Empty, "display names claimed by more than one [Expect]");
            Assert.That(all.Select(e => e.DisplayName).OrderBy(n => n, StringComparer.Ordinal),
                Is.EqualTo(ZooApp.Expectations("Debug").Select(e => e.DisplayName).OrderBy(n => n, StringComparer.Ordinal)),
                "Debug and Release builds carry the same expectations");
        }

        [Test]
        public void Weaver_instruments_every_state_machine_and_skips_nothing()
        {
            var result = ZooApp.Woven(configuration).Result;
            var counts = ZooApp.StateMachineCounts(configuration);
            int Count(string kind) => counts.TryGetValue(kind, out var n) ? n : 0;
            Assert.Multiple(() =>
            {
                Assert.That(result.Skipped, Is.EqualTo(0), "every shape in the zoo is supported: " + result);
                Assert.That(result.AsyncMethods, Is.EqualTo(Count("async")), "async methods ([AsyncStateMachine]) " + result);
                Assert.That(result.RuntimeAsyncMethods, Is.EqualTo(Count("runtime-async")), "runtime-async methods (MethodImpl 0x2000) " + result);
                if (ZooApp.IsRuntimeAsync(configuration))
                    Assert.That(result.RuntimeAsyncMethods, Is.GreaterThan(40), "the twin is compiled runtime-async " + result);
                Assert.That(result.Iterators, Is.EqualTo(Count("iterator")), "iterators ([IteratorStateMachine]) " + result);
                Assert.That(result.AsyncIterators, Is.EqualTo(Count("async-iterator")), "async iterators ([AsyncIteratorStateMachine]) " + result);
                Assert.That(result.SyncMethods, Is.GreaterThan(50), "sync methods " + result);
            });
        }

        [Test]
        public void Every_expected_function_is_in_the_profile()
        {
            var missing = Expectations.Where(e => e.Calls > 0 && Profile.FindFunction(e.DisplayName) == null)
                .Select(e => e.ToString()).ToList();
            Assert.That(missing, Is.Empty, "expected functions missing from " + Profile.Path + "; it has:\n  " +
                                           string.Join("\n  ", Profile.Functions.Select(f => f.Name).OrderBy(n => n, StringComparer.Ordinal)));
        }

        [Test]
        public void Kinds_match_the_method_shapes()
        {
            var wrong = Expectations.Select(e => (e, f: Profile.FindFunction(e.DisplayName)))
                .Where(x => x.f != null && x.f.Kind != x.e.Kind)
                .Select(x => $"{x.e.DisplayName}: kind {x.f!.Kind}, expected {x.e.Kind}").ToList();
            Assert.That(wrong, Is.Empty);
        }

        [Test]
        public void Nothing_is_left_in_flight()
        {
            // Every call of the zoo completes before Main returns, so the profile written at exit has none in flight.
            var functions = Profile.Functions.Where(f => f.InFlight != 0).Select(f => $"{f.Name}: inFlight {f.InFlight}").ToList();
            var nodes = Profile.Tree.Where(n => n.InFlight != 0)
                .Select(n => $"node {n.Id} ({Profile.FunctionById(n.Function).Name}): inFlight {n.InFlight}").ToList();
            Assert.That(functions.Concat(nodes), Is.Empty);
        }

        [Test]
        public void No_compiler_generated_names_are_shown()
        {
            // Generic parameter lists (Repo<T>, Convert<U>, Page<P>, <T,U>) are the only angle brackets allowed;
            // constructors keep the CLR's own names (Type..ctor, Type..cctor), as other .NET profilers show them.
            var generics = new Regex(@"<[A-Za-z_][A-Za-z0-9_]*(,[A-Za-z_][A-Za-z0-9_]*)*>");
            var constructor = new Regex(@"\.\.c?ctor$");
            var mangled = new Regex(@"[<>|$`+/\\]|__|MoveNext|DisplayClass|\.\.|^\.|\.$|\.lambda$");
            var bad = Profile.Functions.Select(f => f.Name)
                .Where(n => mangled.IsMatch(constructor.Replace(generics.Replace(n, ""), ".ctor")))
                .OrderBy(n => n, StringComparer.Ordinal).ToList();
            Assert.That(bad, Is.Empty, "display names with compiler-generated parts:\n  " + string.Join("\n  ", bad));
        }

        [Test]
        public void Profile_totals_are_consistent_with_the_tree() =>
            // every parent listed first, function counts the sums over their nodes, inclusive figures over the outermost
            Assert.That(ProfileInvariants.CallAccountingFailures(Profile).Concat(ProfileInvariants.FunctionTotalFailures(Profile)), Is.Empty);

        // Where work lands in the calling-context tree: every node of the child hangs under a node of the parent.
        [TestCase("AsyncZoo.Threads.Crunch", "AsyncZoo.Threads.RunsWork", TestName = "{m}(Task.Run of a sync method)")]
        [TestCase("AsyncZoo.Threads.CrunchAsync", "AsyncZoo.Threads.RunsWork", TestName = "{m}(Task.Run of an async method)")]
        [TestCase("AsyncZoo.Threads.PoolWorker", "AsyncZoo.Threads.Run", TestName = "{m}(Task.Run from a section runner)")]
        [TestCase("AsyncZoo.Threads.PoolChild", "AsyncZoo.Threads.PoolWorker", TestName = "{m}(async call made after resuming on the pool)")]
        [TestCase("AsyncZoo.Threads.AfterResume", "AsyncZoo.Threads.PoolWorker", TestName = "{m}(sync call made after an AwaitOnCompleted resume)")]
        [TestCase("AsyncZoo.Threads.ThreadBody", "AsyncZoo.Threads.StartsThread", TestName = "{m}(new Thread)")]
        [TestCase("AsyncZoo.Threads.PoolItem", "AsyncZoo.Threads.QueuesWork", TestName = "{m}(ThreadPool.QueueUserWorkItem)")]
        [TestCase("AsyncZoo.AsyncScenarios.WaitFor", "AsyncZoo.AsyncScenarios.CompletesOtherTasks", TestName = "{m}(callee resumed by another method's TCS.SetResult)")]
        [TestCase("AsyncZoo.AsyncScenarios.FireAndForget", "AsyncZoo.AsyncScenarios.Run.lambda#1", TestName = "{m}(async void under the lambda that started it)")]
        [TestCase("AsyncZoo.AsyncResource.DisposeAsync", "AsyncZoo.AsyncScenarios.AwaitUsing", TestName = "{m}(await using's DisposeAsync)")]
        [TestCase("AsyncZoo.Lambdas.WithLocals.Step", "AsyncZoo.Lambdas.WithLocals", TestName = "{m}(local function under its method)")]
        [TestCase("AsyncZoo.Iterators.Linq.lambda#1", "AsyncZoo.Iterators.Linq", TestName = "{m}(lambda called through unprofiled LINQ)")]
        [TestCase("AsyncZoo.Outer.Inner.Method", "AsyncZoo.Outer.Run", TestName = "{m}(nested type)")]
        public void Work_hangs_under_the_method_that_started_it(string child, string parent)
        {
            var nodes = Profile.NodesOf(child).ToList();
            Assert.That(nodes, Is.Not.Empty, child + " has no tree node");
            var wrong = nodes.Select(n => (n, p: Profile.Parent(n)))
                .Where(x => x.p == null || Profile.FunctionById(x.p.Function).Name != parent)
                .Select(x => $"node {x.n.Id} ({x.n.Calls} calls) hangs under " +
                             (x.p == null ? "the root" : $"{Profile.FunctionById(x.p.Function).Name} (node {x.p.Id})")).ToList();
            Assert.That(wrong, Is.Empty, $"every node of {child} must hang under {parent}");
            Assert.That(Profile.Edge(parent, child)?.Calls, Is.EqualTo(Profile.Function(child).Calls), $"edge {parent} -> {child}");
        }

        [Test]
        public void Recursion_nests_and_counts_inclusive_figures_once()
        {
            // Fib(10): a chain of 10 nodes (one per depth) under SyncScenarios.Run holding its 177 calls; the
            // function's wall is the outermost node's, not the sum over the chain.
            var nodes = Profile.NodesOf("AsyncZoo.SyncScenarios.Fib").ToList();
            Assert.That(nodes, Has.Count.EqualTo(10), "Fib nodes (depths 1 to 10)");
            var outermost = nodes.Where(n => Profile.FunctionById(Profile.Parent(n)!.Function).Name != "AsyncZoo.SyncScenarios.Fib").ToList();
            Assert.That(outermost, Has.Count.EqualTo(1));
            Assert.That(Profile.FunctionById(Profile.Parent(outermost[0])!.Function).Name, Is.EqualTo("AsyncZoo.SyncScenarios.Run"));
            Assert.That(outermost[0].Calls, Is.EqualTo(1));
            Assert.That(Profile.Function("AsyncZoo.SyncScenarios.Fib").WallNs, Is.EqualTo(outermost[0].WallNs));

            // Async recursion: Depth(4) nests 5 deep.
            var depth = Profile.NodesOf("AsyncZoo.AsyncScenarios.Depth").ToList();
            Assert.That(depth, Has.Count.EqualTo(5), "Depth nodes");
            Assert.That(depth.Select(n => n.Calls), Is.All.EqualTo(1));
        }

        /// <summary>Task.Yield queues its continuation at once: every suspension of these methods waited for a thread, and only theirs did.</summary>
        [Test]
        public void Task_Yield_suspensions_are_queued_time_and_Task_Delay_ones_are_not()
        {
            foreach (var name in new[] { "AsyncZoo.AsyncScenarios.TwoYields", "AsyncZoo.AsyncScenarios.YieldThenValue", "AsyncZoo.AsyncScenarios.ValueTaskVoid" })
            {
                var f = Profile.Function(name);
                Assert.That(f.SuspendedNs, Is.GreaterThan(0), name);
                Assert.That(f.QueuedNs, Is.EqualTo(f.SuspendedNs), name + ": it only ever awaited Task.Yield");
            }
            Assert.That(Profile.Function(DelayTwenty).QueuedNs, Is.EqualTo(0), "Task.Delay completes later: its continuation was not waiting");
        }

        [Test]
        public void Wall_time_includes_the_suspension_of_Task_Delay()
        {
            var f = Profile.Function(DelayTwenty);
            TestContext.Out.WriteLine($"{DelayTwenty}: {f.Calls} calls, wall {f.WallMsPerCall:F2} ms/call, cpu {f.CpuMsPerCall:F3} ms/call");
            Assert.That(f.Calls, Is.EqualTo(2));
            Assert.That(f.WallNs, Is.GreaterThanOrEqualTo((long)(f.Calls * DelayMs * 1e6)),
                "wall of a method that awaited Task.Delay(20) covers the 20 ms (a profiler stopping at the first await measures ~0)");
        }

        [Test]
        public void Cpu_time_excludes_suspension_and_counts_work()
        {
            var delay = Profile.Function(DelayTwenty);
            Assert.That(delay.CpuNs, Is.LessThan(delay.WallNs / 2),
                $"{DelayTwenty} spends its wall waiting for a timer, not running: cpu {delay.CpuNs} ns, wall {delay.WallNs} ns");
            var crunch = Profile.Function("AsyncZoo.Threads.Crunch");
            TestContext.Out.WriteLine($"Crunch: wall {crunch.WallMsPerCall:F2} ms/call, cpu {crunch.CpuMsPerCall:F2} ms/call");
            Assert.That(crunch.CpuNs, Is.GreaterThan(0), "Crunch computes for milliseconds on a pool thread");
            // Its caller's inclusive CPU contains the pool work it started (cpuNs is inclusive over the tree).
            var runsWork = Profile.Function("AsyncZoo.Threads.RunsWork");
            Assert.That(runsWork.CpuNs, Is.GreaterThanOrEqualTo(crunch.CpuNs), "RunsWork's inclusive CPU covers Crunch's");
        }

        [Test]
        public void Naive_weave_counts_every_resumption_as_a_call()
        {
            // Loop35 suspends 35 times per call, so its MoveNext runs 36 times per call: the naive weave (MoveNext as an
            // ordinary method) reports 36 calls per real call, the proper weave reports the real calls.
            var realCalls = Expectations.Single(e => e.DisplayName == Loop35).Calls;
            var proper = Profile.Function(Loop35);
            var naiveProfile = ZooApp.Run(configuration, naive: true).Profile;
            var naive = naiveProfile.Function(Loop35);
            TestContext.Out.WriteLine($"{Loop35}: {realCalls} real calls; proper weave {proper.Calls}, naive weave {naive.Calls} ({naiveProfile.Path})");
            Assert.That(proper.Calls, Is.EqualTo(realCalls), "proper weave");
            if (ZooApp.IsRuntimeAsync(configuration))
                // No MoveNext to weave naively: a runtime-async method resumes inside its own frame, never re-entered.
                Assert.That(naive.Calls, Is.EqualTo(realCalls), "runtime-async method under the naive setting");
            else
                Assert.That(naive.Calls, Is.EqualTo(36 * realCalls), "naive weave: one call per MoveNext");
        }

        [Test]
        public void Figures_do_not_depend_on_JIT_optimization()
        {
            // The same woven zoo run with every method fully optimized at first compilation (no tiering, no PGO): the
            // counts of every expectation must be those of the default run.
            var optimized = ZooApp.Run(configuration, variant: RunVariant.FullJitOptimization).Profile;
            var differences = new List<string>();
            foreach (var e in Expectations)
            {
                var a = Profile.FindFunction(e.DisplayName);
                var b = optimized.FindFunction(e.DisplayName);
                string Show(ProfiledFunction? f) => f == null ? "absent" : $"calls {f.Calls}, suspends {f.Suspends}, faults {f.Faults}, inFlight {f.InFlight}";
                if (Show(a) != Show(b)) differences.Add($"{e.DisplayName}: default run {Show(a)}; optimized run {Show(b)}");
            }
            Assert.That(differences, Is.Empty, "profile " + optimized.Path);
        }

        IEnumerable<string> SimilarNames(string displayName)
        {
            var type = displayName.Contains('.') ? displayName.Substring(0, displayName.LastIndexOf('.')) : displayName;
            var similar = Profile.Functions.Select(f => f.Name).Where(n => n.StartsWith(type.Split('<')[0], StringComparison.Ordinal)).ToList();
            return (similar.Count > 0 ? similar : Profile.Functions.Select(f => f.Name)).OrderBy(n => n, StringComparer.Ordinal);
        }
    }
}
