using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Runtime
{
    /// <summary>
    /// One unit of work profiled alone: a scope records the execution-context flow that started it (what it awaits
    /// and queues, on any thread) and nothing of the flows running beside it.
    /// </summary>
    [TestFixture, NonParallelizable]
    public class ScopeTests
    {
        static readonly int Base = Probe.RegisterModule(string.Join("\n",
            "sync\tS.StepA\tS.cs\t1", "sync\tS.StepB\tS.cs\t2", "sync\tS.QueuedA\tS.cs\t3", "sync\tS.Outside\tS.cs\t4"));

        const int StepA = 0, StepB = 1, QueuedA = 2, Outside = 3;

        static void Call(int id)
        {
            var token = Probe.Active ? Probe.Enter(Base + id) : 0;
            Probe.Exit(token);
        }

        static string TempProfile() => Path.Combine(Path.GetTempPath(), "asyncprof-scope-" + Guid.NewGuid().ToString("N") + ".json");

        /// <summary>A "request": steps separated by awaits that hop threads, plus work queued to the pool.</summary>
        static async Task Request(int step, int queued, int rounds, string? profileTo)
        {
            using var scope = profileTo != null ? Profiler.StartScope() : null;
            for (var i = 0; i < rounds; i++)
            {
                Call(step);
                await Task.Yield();
            }
            if (queued >= 0) await Task.Run(() => Call(queued));
            scope?.Stop();
            if (profileTo != null) scope!.Save(profileTo);
        }

        [Test]
        public void A_scope_records_its_own_flow_and_nothing_of_concurrent_ones()
        {
            var path = TempProfile();
            Task.WhenAll(
                Task.Run(() => Request(StepA, QueuedA, rounds: 20, profileTo: path)),
                Task.Run(() => Request(StepB, -1, rounds: 30, profileTo: null)),
                Task.Run(() => Request(StepB, -1, rounds: 30, profileTo: null))).Wait();

            var p = ProfileFile.Load(path);
            Assert.That(p.Function("S.StepA").Calls, Is.EqualTo(20));
            Assert.That(p.Function("S.QueuedA").Calls, Is.EqualTo(1), "work the scoped flow queued is in its profile");
            Assert.That(p.FindFunction("S.StepB"), Is.Null, "the other requests are not recorded");
            Assert.That(Probe.Active, Is.False, "with no scope and no session left, woven code is back to one static check");
            Assert.That(Probe.Enter(Base + Outside), Is.EqualTo(0));
        }

        [Test]
        public void Totals_are_the_sums_of_the_self_figures_its_profile_writes()
        {
            var scope = Profiler.StartScope();
            for (var i = 0; i < 7; i++) Call(StepA);
            Task.Run(() => { Call(QueuedA); GC.KeepAlive(new byte[100_000]); }).Wait();
            // 2 ms of CPU inside a call: with empty calls only, the CPU is nearly all probe cost, which the written
            // profile's correction takes out (how much depends on a calibration other tests may have cached)
            var token = Probe.Enter(Base + StepB);
            var spin = System.Diagnostics.Stopwatch.StartNew();
            while (spin.Elapsed.TotalMilliseconds < 2) { }
            Probe.Exit(token);
            scope.Stop();
            var totals = scope.Totals();
            var path = TempProfile();
            scope.Save(path);
            var p = ProfileFile.Load(path);
            Assert.That(totals.Calls, Is.EqualTo(9));
            Assert.That(totals.Calls, Is.EqualTo(p.Tree.Sum(n => n.Calls + n.InFlight)));
            Assert.That(totals.AllocBytes, Is.EqualTo(p.Tree.Sum(n => n.SelfAllocBytes)));
            Assert.That(totals.CpuNs, Is.EqualTo(p.Tree.Sum(n => n.SelfCpuNs)).Within(p.Tree.Sum(n => n.SelfCpuNs) / 2 + 1),
                "the same CPU, except the probe-cost correction a written profile applies");
        }

        [Test]
        public void Concurrent_scopes_each_get_their_own_flow()
        {
            var first = TempProfile();
            var second = TempProfile();
            Task.WhenAll(
                Task.Run(() => Request(StepA, -1, rounds: 10, profileTo: first)),
                Task.Run(() => Request(StepB, -1, rounds: 15, profileTo: second))).Wait();

            var a = ProfileFile.Load(first);
            var b = ProfileFile.Load(second);
            Assert.That(a.Function("S.StepA").Calls, Is.EqualTo(10));
            Assert.That(a.FindFunction("S.StepB"), Is.Null);
            Assert.That(b.Function("S.StepB").Calls, Is.EqualTo(15));
            Assert.That(b.FindFunction("S.StepA"), Is.Null);
        }

        [Test]
        public void Beside_a_whole_process_session_a_scoped_flow_records_into_its_scope_only()
        {
            var scoped = TempProfile();
            var whole = TempProfile();
            Profiler.Start();
            try
            {
                Task.WhenAll(
                    Task.Run(() => Request(StepA, -1, rounds: 5, profileTo: scoped)),
                    Task.Run(() => Request(StepB, -1, rounds: 7, profileTo: null))).Wait();
            }
            finally { Profiler.Stop(); }
            Profiler.Save(whole);

            Assert.That(ProfileFile.Load(scoped).Function("S.StepA").Calls, Is.EqualTo(5));
            var w = ProfileFile.Load(whole);
            Assert.That(w.Function("S.StepB").Calls, Is.EqualTo(7));
            Assert.That(w.FindFunction("S.StepA"), Is.Null);
        }

        static ProfileFile Save(ProfilingScope scope)
        {
            var path = TempProfile();
            scope.Save(path);
            return ProfileFile.Load(path);
        }

        static void StartInnerScopeAndStopIt() => Profiler.StartScope().Stop();

        [Test]
        public void When_an_inner_scope_stops_its_outer_scope_records_again()
        {
            var outer = Profiler.StartScope();
            StartInnerScopeAndStopIt(); // a sync helper: its scope stays in this flow, stopped
            Call(StepA);
            outer.Stop();
            Assert.That(Save(outer).Function("S.StepA").Calls, Is.EqualTo(1));
        }

        [Test]
        public void Stopping_a_scope_twice_leaves_no_trace()
        {
            var scope = Profiler.StartScope();
            scope.Stop();
            scope.Stop();
            scope.Dispose();
            Assert.That(Probe.Active, Is.False);
            using var next = Profiler.StartScope();
            Call(StepB);
            next.Stop();
            Assert.That(Save(next).Function("S.StepB").Calls, Is.EqualTo(1), "a later scope still records");
        }

        [Test]
        public void More_sessions_with_open_calls_than_a_thread_holds_never_lose_the_open_ones()
        {
            var max = ThreadRecorders.MaxSessionsPerThread;
            var scopes = new List<ProfilingScope>();
            var tokens = new List<int>();
            for (var i = 0; i <= max; i++) // nested scopes, each with a call open on this thread
            {
                scopes.Add(Profiler.StartScope());
                tokens.Add(Probe.Enter(Base + StepA));
            }
            for (var i = max; i >= 0; i--)
            {
                Probe.Exit(tokens[i]);
                scopes[i].Stop();
            }
            for (var i = 0; i < max; i++)
                Assert.That(Save(scopes[i]).Function("S.StepA").Calls, Is.EqualTo(1), $"scope {i} kept its open call");
            var overflow = Save(scopes[max]);
            Assert.That(overflow.FindFunction("S.StepA"), Is.Null);
            Assert.That(overflow.RootElement.GetProperty("process").GetProperty("error").GetString(), Does.Contain("more than " + max));
        }

        [Test]
        public void A_call_suspended_when_its_scope_stops_does_not_resume_into_another_session()
        {
            var call = new AsyncCall();
            var scope = Profiler.StartScope();
            Probe.AsyncMoveNext(ref call, Base + StepA);
            Probe.Suspend(ref call);
            Probe.MoveNextReturn();
            scope.Stop();
            var whole = TempProfile();
            Profiler.Start();
            try
            {
                Probe.AsyncMoveNext(ref call, Base + StepA);
                Probe.Complete(ref call);
            }
            finally { Profiler.Stop(); }
            Profiler.Save(whole);
            Assert.That(ProfileFile.Load(whole).FindFunction("S.StepA"), Is.Null);
            Assert.That(Save(scope).Function("S.StepA").InFlight, Is.EqualTo(1));
        }

        [Test]
        public void Probe_Active_is_set_whenever_a_scope_records_even_under_racing_starts_and_stops()
        {
            var violations = 0;
            var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
            {
                for (var i = 0; i < 20_000; i++)
                {
                    var scope = Profiler.StartScope();
                    if (!Probe.Active) Interlocked.Increment(ref violations);
                    scope.Stop();
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.That(violations, Is.Zero);
            Assert.That(Probe.Active, Is.False);
        }
    }
}
