using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Runtime
{
    /// <summary>
    /// The exit probes of task-returning methods (Probe.ExitTask, Probe.ExitAwaitable), driven as woven code calls
    /// them: what a complete, a running, a faulted and an unobservable awaitable record, and what they allocate.
    /// </summary>
    [TestFixture, NonParallelizable]
    public class TaskReturningProbeTests
    {
        static readonly int Base = Probe.RegisterModule(string.Join("\n",
            "task\tP.Facade\tP.cs\t1",
            "task\tP.ValueFacade\tP.cs\t2",
            "sync\tP.Caller\tP.cs\t3"));

        const int Facade = 0, ValueFacade = 1, Caller = 2;

        static ProfileFile Record(Action body)
        {
            Profiler.Start();
            try { body(); }
            finally { Profiler.Stop(); }
            var path = Path.Combine(Path.GetTempPath(), "asyncprof-task-probes-" + Guid.NewGuid().ToString("N") + ".json");
            Profiler.Save(path);
            return ProfileFile.Load(path);
        }

        static Task ReturnTask(Task task)
        {
            var token = Probe.Active ? Probe.Enter(Base + Facade) : 0;
            Probe.ExitTask(task, token);
            return task;
        }

        static ValueTask<int> ReturnValueTask(ValueTask<int> task)
        {
            var token = Probe.Active ? Probe.Enter(Base + ValueFacade) : 0;
            Probe.ExitAwaitable(task, token);
            return task;
        }

        [Test]
        public void A_complete_task_ends_the_call_at_return_and_allocates_nothing()
        {
            var done = Task.CompletedTask;
            var completeValue = new ValueTask<int>(5);
            long allocated = -1;
            var p = Record(() =>
            {
                // the same loop first: tree nodes and the CPU window's buffers are created once, by the first calls
                for (var i = 0; i < 1000; i++) { ReturnTask(done); ReturnValueTask(completeValue); }
                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < 1000; i++) { ReturnTask(done); ReturnValueTask(completeValue); }
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            });
            Assert.That(allocated, Is.EqualTo(0), "recording a call whose task is complete allocates nothing");
            var f = p.Function("P.Facade");
            Assert.That((f.Calls, f.Suspends, f.Faults, f.Unobserved), Is.EqualTo((2000L, 0L, 0L, 0L)));
            var v = p.Function("P.ValueFacade");
            Assert.That((v.Calls, v.Suspends, v.Faults, v.Unobserved), Is.EqualTo((2000L, 0L, 0L, 0L)));
        }

        [Test]
        public void A_running_task_keeps_the_call_open_until_it_completes()
        {
            var p = Record(() =>
            {
                var source = new TaskCompletionSource<int>();
                ReturnTask(source.Task);
                System.Threading.Thread.Sleep(50); // the call is suspended, not running: wall, never CPU
                source.SetResult(1);
            });
            var f = p.Function("P.Facade");
            Assert.That((f.Calls, f.Suspends, f.InFlight), Is.EqualTo((1L, 1L, 0L)));
            Assert.That(f.WallNs, Is.GreaterThanOrEqualTo(45_000_000), "the wall covers the 50 ms until completion");
            Assert.That(f.SelfCpuNs, Is.LessThan(f.WallNs / 2), "the sleep was the caller's, after the facade returned");
        }

        [Test]
        public void A_task_that_fails_or_is_cancelled_after_return_marks_the_call_faulted()
        {
            var p = Record(() =>
            {
                var failing = new TaskCompletionSource<int>();
                var cancelled = new TaskCompletionSource<int>();
                ReturnTask(failing.Task);
                ReturnTask(cancelled.Task);
                ReturnTask(Task.FromException(new InvalidOperationException())); // faulted already at return
                failing.SetException(new InvalidOperationException());
                cancelled.SetCanceled();
            });
            var f = p.Function("P.Facade");
            Assert.That((f.Calls, f.Faults, f.Suspends), Is.EqualTo((3L, 3L, 2L)));
        }

        [Test]
        public void A_ValueTask_over_a_running_task_is_followed_to_its_completion_without_consuming_it()
        {
            var source = new TaskCompletionSource<int>();
            ValueTask<int> returned = default;
            var p = Record(() =>
            {
                returned = ReturnValueTask(new ValueTask<int>(source.Task));
                source.SetResult(7);
            });
            Assert.That(returned.Result, Is.EqualTo(7), "the caller still gets its result");
            var f = p.Function("P.ValueFacade");
            Assert.That((f.Calls, f.Suspends, f.Unobserved), Is.EqualTo((1L, 1L, 0L)));
        }

        [Test]
        public void A_caller_that_resumes_before_the_facades_callback_runs_still_contains_it()
        {
            // Sync over async on a task that runs its continuations asynchronously: the blocked caller wakes and
            // returns before the facade's completion callback runs on the pool. The facade ended with it, inside it.
            var p = Record(() =>
            {
                for (var i = 0; i < 20; i++)
                {
                    var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                    var token = Probe.Active ? Probe.Enter(Base + Caller) : 0;
                    var task = ReturnTask(source.Task);
                    Task.Run(() => source.SetResult(1));
                    task.Wait();
                    Probe.Exit(token);
                }
                System.Threading.Thread.Sleep(100); // let every queued callback run before the profile is written
            });
            var caller = p.NodesOf("P.Caller").Single();
            var facade = p.NodesOf("P.Facade").Single();
            Assert.That(facade.Parent, Is.EqualTo(caller.Id));
            Assert.That((facade.Calls, facade.Detached), Is.EqualTo((20L, 0L)), "not detached: its caller waited for it");
            Assert.That(facade.WallNs, Is.LessThanOrEqualTo(caller.WallNs));
        }

        [Test]
        public void A_call_still_waiting_when_the_profile_is_written_is_in_flight()
        {
            var never = new TaskCompletionSource<int>();
            var p = Record(() => ReturnTask(never.Task));
            var f = p.Function("P.Facade");
            Assert.That((f.Calls, f.InFlight), Is.EqualTo((0L, 1L)));
        }

        [Test]
        public void Without_a_session_the_exit_probes_do_nothing()
        {
            Assert.That(Probe.Active, Is.False);
            var never = new TaskCompletionSource<int>();
            Assert.DoesNotThrow(() => Probe.ExitTask(never.Task, 0));
            Assert.DoesNotThrow(() => Probe.ExitAwaitable(new ValueTask<int>(never.Task), 0));
            Assert.That(never.Task.IsCompleted, Is.False);
        }
    }
}
