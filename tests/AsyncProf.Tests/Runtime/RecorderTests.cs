using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Runtime
{
    /// <summary>
    /// The recorder's semantics, driven through the probe API exactly as woven code calls it (no weaver involved),
    /// then checked on the profile file it writes.
    /// </summary>
    [TestFixture, NonParallelizable]
    public class RecorderTests
    {
        static readonly int Base = Probe.RegisterModule(string.Join("\n",
            "sync\tT.Outer\tT.cs\t1",
            "sync\tT.Inner\tT.cs\t2",
            "async\tT.AsyncWork\tT.cs\t3",
            "sync\tT.Recursive\tT.cs\t4",
            "sync\tT.Busy\tT.cs\t5",
            "sync\tT.Sleeper\tT.cs\t6",
            "sync\tT.Allocator\tT.cs\t7",
            "sync\tT.PoolWork\tT.cs\t8",
            "iterator\tT.Items\tT.cs\t9"));

        const int Outer = 0, Inner = 1, AsyncWork = 2, Recursive = 3, Busy = 4, Sleeper = 5, Allocator = 6, PoolWork = 7, Items = 8;

        static ProfileFile Record(Action body)
        {
            Profiler.Start();
            try { body(); }
            finally { Profiler.Stop(); }
            var path = Path.Combine(Path.GetTempPath(), "asyncprof-recorder-" + Guid.NewGuid().ToString("N") + ".json");
            Profiler.Save(path);
            return ProfileFile.Load(path);
        }

        static void Call(int id, Action? body = null)
        {
            var token = Probe.Active ? Probe.Enter(Base + id) : 0;
            try { body?.Invoke(); }
            catch { Probe.ExitFault(token); throw; }
            Probe.Exit(token);
        }

        [Test]
        public void Without_a_session_probes_record_nothing()
        {
            Assert.That(Probe.Active, Is.False);
            Assert.That(Probe.Enter(Base + Outer), Is.EqualTo(0));
            var call = new AsyncCall();
            Probe.Suspend(ref call);
            Probe.MoveNextReturn(); // the suspended MoveNext returns
            Probe.Complete(ref call);
            Assert.That(call.Phase, Is.EqualTo(AsyncCall.NotStarted));
        }

        [Test]
        public void Nested_sync_calls_build_the_tree_and_edges()
        {
            var p = Record(() =>
            {
                Call(Outer, () => { Call(Inner); Call(Inner); });
                Call(Inner);
            });
            Assert.That(p.Function("T.Outer").Calls, Is.EqualTo(1));
            Assert.That(p.Function("T.Inner").Calls, Is.EqualTo(3));
            Assert.That(p.Edge("T.Outer", "T.Inner")!.Calls, Is.EqualTo(2));
            Assert.That(p.Edge(null, "T.Inner")!.Calls, Is.EqualTo(1));
            Assert.That(p.NodesOf("T.Inner").Count(), Is.EqualTo(2));
        }

        [Test]
        public void Exception_exit_counts_a_faulted_call()
        {
            var p = Record(() =>
            {
                try { Call(Outer, () => throw new InvalidOperationException()); } catch (InvalidOperationException) { }
            });
            Assert.That(p.Function("T.Outer").Calls, Is.EqualTo(1));
            Assert.That(p.Function("T.Outer").Faults, Is.EqualTo(1));
        }

        [Test]
        public void An_async_call_resumed_on_other_threads_is_one_call_whose_wall_covers_its_suspensions()
        {
            var p = Record(() =>
            {
                var call = new AsyncCall();
                Probe.AsyncMoveNext(ref call, Base + AsyncWork);
                Probe.Suspend(ref call);
                Probe.MoveNextReturn(); // the suspended MoveNext returns
                Thread.Sleep(60); // suspended: wall, not CPU
                var resumed = call;
                Task.Run(() =>
                {
                    Probe.AsyncMoveNext(ref resumed, Base + AsyncWork);
                    Call(Inner);
                    Probe.Suspend(ref resumed);
                    Probe.MoveNextReturn(); // the suspended MoveNext returns
                }).Wait();
                Thread.Sleep(60);
                Task.Run(() =>
                {
                    Probe.AsyncMoveNext(ref resumed, Base + AsyncWork);
                    Probe.Complete(ref resumed);
                }).Wait();
            });
            var f = p.Function("T.AsyncWork");
            Assert.That(f.Calls, Is.EqualTo(1));
            Assert.That(f.Suspends, Is.EqualTo(2));
            Assert.That(f.WallNs, Is.GreaterThanOrEqualTo(115_000_000));
            Assert.That(f.CpuNs, Is.LessThan(30_000_000), "suspended time is not CPU time");
            Assert.That(p.Edge("T.AsyncWork", "T.Inner")!.Calls, Is.EqualTo(1), "the resumed segment's callee hangs under the async call");
        }

        [Test]
        public void Work_queued_by_an_async_call_hangs_under_it_on_another_thread()
        {
            var p = Record(() =>
            {
                var call = new AsyncCall();
                using var done = new ManualResetEventSlim();
                var poolThread = 0;
                // run the first MoveNext inside an async method's Start, as the builder does, so the context is restored
                RunInBuilderStart(() =>
                {
                    Probe.AsyncMoveNext(ref call, Base + AsyncWork);
                    // (Task.Wait could run the work inline on this thread: wait on an event instead)
                    Task.Run(() => { Call(PoolWork, () => Thread.Sleep(20)); poolThread = Environment.CurrentManagedThreadId; done.Set(); });
                    Probe.Suspend(ref call);
                    Probe.MoveNextReturn(); // the suspended MoveNext returns
                });
                done.Wait();
                Assert.That(poolThread, Is.Not.EqualTo(Environment.CurrentManagedThreadId));
                RunInBuilderStart(() => // a resumption runs in the context captured at the await, restored after it
                {
                    Probe.AsyncMoveNext(ref call, Base + AsyncWork);
                    Probe.Complete(ref call);
                });
                Call(Outer); // the caller's context was restored: Outer is a root, not under AsyncWork
            });
            Assert.That(p.Edge("T.AsyncWork", "T.PoolWork")!.Calls, Is.EqualTo(1));
            Assert.That(p.Edge(null, "T.Outer")!.Calls, Is.EqualTo(1));
            Assert.That(p.Function("T.AsyncWork").WallNs, Is.GreaterThan(0));
        }

        static void RunInBuilderStart(Action firstMoveNext)
        {
            var sm = new ActionStateMachine(firstMoveNext);
            var builder = System.Runtime.CompilerServices.AsyncTaskMethodBuilder.Create();
            builder.Start(ref sm);
        }

        struct ActionStateMachine : System.Runtime.CompilerServices.IAsyncStateMachine
        {
            readonly Action body;
            public ActionStateMachine(Action body) => this.body = body;
            public void MoveNext() => body();
            public void SetStateMachine(System.Runtime.CompilerServices.IAsyncStateMachine stateMachine) { }
        }

        [Test]
        public void Recursion_does_not_count_inclusive_time_twice()
        {
            void Recurse(int depth) => Call(Recursive, () => { Thread.Sleep(10); if (depth > 0) Recurse(depth - 1); });
            var p = Record(() => Recurse(3));
            var f = p.Function("T.Recursive");
            Assert.That(f.Calls, Is.EqualTo(4));
            var outermost = p.NodesOf("T.Recursive").Single(n => n.Parent == null);
            Assert.That(f.WallNs, Is.EqualTo(outermost.WallNs), "function wall = outermost call's wall");
            Assert.That(p.NodesOf("T.Recursive").Sum(n => n.WallNs), Is.GreaterThan(f.WallNs * 2), "nested nodes overlap");
        }

        [Test]
        public void Calls_still_running_when_the_profile_is_written_are_reported_in_flight()
        {
            var call = new AsyncCall();
            var p = Record(() =>
            {
                Probe.AsyncMoveNext(ref call, Base + AsyncWork);
                Probe.Suspend(ref call);
                Probe.MoveNextReturn(); // the suspended MoveNext returns
            });
            var f = p.Function("T.AsyncWork");
            Assert.That(f.Calls, Is.EqualTo(0));
            Assert.That(f.InFlight, Is.EqualTo(1));
            // finishing after the session ended is harmless
            Probe.AsyncMoveNext(ref call, Base + AsyncWork);
            Probe.Complete(ref call);
        }

        [Test]
        public void Cpu_time_counts_running_code_and_not_blocked_code()
        {
            long burnedNs = 0;
            var p = Record(() =>
            {
                Call(Outer, () =>
                {
                    // burn 80 ms of this thread's CPU (not wall: a busy machine preempts the loop)
                    Call(Busy, () =>
                    {
                        var start = ThreadCpuClock.NowNs();
                        while (ThreadCpuClock.NowNs() - start < 80_000_000) Thread.SpinWait(100);
                        burnedNs = ThreadCpuClock.NowNs() - start;
                    });
                    Call(Sleeper, () => Thread.Sleep(120));
                });
            });
            var busy = p.Function("T.Busy");
            var sleeper = p.Function("T.Sleeper");
            var outer = p.Function("T.Outer");
            TestContext.Out.WriteLine($"busy cpu {busy.CpuNs / 1e6:F1} ms, sleeper cpu {sleeper.CpuNs / 1e6:F1} ms wall {sleeper.WallNs / 1e6:F1} ms, outer cpu {outer.CpuNs / 1e6:F1} ms");
            Assert.That(busy.SelfCpuNs, Is.InRange(burnedNs * 0.9, burnedNs * 1.1));
            Assert.That(sleeper.WallNs, Is.GreaterThanOrEqualTo(115_000_000));
            Assert.That(sleeper.CpuNs, Is.LessThan(20_000_000));
            Assert.That(outer.CpuNs, Is.EqualTo(outer.SelfCpuNs + busy.CpuNs + sleeper.CpuNs), "inclusive = self + children");
        }

        [Test]
        public void Allocations_are_charged_to_the_allocating_call_and_the_profilers_own_are_not()
        {
            byte[]? keep = null;
            var p = Record(() =>
            {
                Call(Outer, () =>
                {
                    Call(Allocator, () => keep = new byte[1 << 20]);
                    for (var i = 0; i < 200; i++) Call(Inner); // first call creates a tree node: must not show
                });
            });
            GC.KeepAlive(keep);
            Assert.That(p.Function("T.Allocator").SelfAllocBytes, Is.InRange(1 << 20, (1 << 20) + 4096));
            Assert.That(p.Function("T.Inner").SelfAllocBytes, Is.EqualTo(0));
            Assert.That(p.Function("T.Outer").AllocBytes, Is.GreaterThanOrEqualTo(1 << 20));
        }

        [Test]
        public void An_iterator_is_one_call_per_enumeration_with_a_suspension_per_item()
        {
            var p = Record(() =>
            {
                var it = new AsyncCall();
                for (var i = 0; i < 3; i++) { Probe.IteratorMoveNext(ref it, Base + Items); Probe.Yield(true, ref it); }
                Probe.IteratorMoveNext(ref it, Base + Items); Probe.Yield(false, ref it);
                Probe.Dispose(ref it);

                var abandoned = new AsyncCall();
                Probe.IteratorMoveNext(ref abandoned, Base + Items); Probe.Yield(true, ref abandoned);
                Probe.Dispose(ref abandoned);
            });
            var f = p.Function("T.Items");
            Assert.That(f.Calls, Is.EqualTo(2));
            Assert.That(f.Suspends, Is.EqualTo(4));
            Assert.That(f.InFlight, Is.EqualTo(0));
        }

        [Test]
        public void Many_threads_recording_at_once_lose_no_calls()
        {
            var p = Record(() =>
            {
                Parallel.For(0, 8, _ =>
                {
                    for (var i = 0; i < 10_000; i++)
                    {
                        var call = new AsyncCall();
                        Probe.AsyncMoveNext(ref call, Base + AsyncWork);
                        Call(Inner);
                        Probe.Suspend(ref call);
                        Probe.MoveNextReturn(); // the suspended MoveNext returns
                        Probe.AsyncMoveNext(ref call, Base + AsyncWork);
                        Probe.Complete(ref call);
                    }
                });
            });
            Assert.That(p.Function("T.AsyncWork").Calls, Is.EqualTo(80_000));
            Assert.That(p.Function("T.AsyncWork").Suspends, Is.EqualTo(80_000));
            Assert.That(p.Function("T.Inner").Calls, Is.EqualTo(80_000));
        }
    }
}
