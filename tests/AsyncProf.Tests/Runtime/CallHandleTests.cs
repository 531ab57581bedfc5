using System.Threading.Tasks;
using NUnit.Framework;

namespace AsyncProf.Tests.Runtime
{
    /// <summary>
    /// A call ending while a task-returning callee's completion callback runs on another thread: whichever ends the
    /// callee first, the caller never ends before it (a child longer than its parent is a figure no user believes).
    /// Driven with synthetic ticks: the race itself is too rare to reproduce on demand.
    /// </summary>
    [TestFixture]
    public class CallHandleTests
    {
        static readonly Session Session = new Session(cpuWindowNs: 1_000_000) { Recording = false };

        static CallHandle Handle() => new CallHandle(new CallNode(0, Session.Root, Session), 0);

        static PendingTaskCall Callee(CallHandle caller, Task task, CallHandle? own = null)
        {
            var callee = new PendingTaskCall(caller.Node, startTicks: 100, own, caller, 0, 0, task);
            caller.AddPending(callee);
            return callee;
        }

        [Test]
        public void A_caller_that_loses_the_race_to_its_callees_continuation_ends_when_the_callee_did()
        {
            var caller = Handle();
            var callee = Callee(caller, Task.CompletedTask);
            // the continuation ended the callee at 500 on another thread; the caller had read its clock at 400
            Assert.That(callee.SettleIfComplete(500), Is.EqualTo(500));
            Assert.That(caller.SettleAndEnd(400), Is.EqualTo(500));
            Assert.That(caller.EndTicks, Is.EqualTo(500));
            Assert.That(caller.HasPendingCallees, Is.False);
        }

        [Test]
        public void A_caller_that_settles_a_complete_callee_first_ends_both_at_its_own_time()
        {
            var caller = Handle();
            var callee = Callee(caller, Task.CompletedTask);
            Assert.That(caller.SettleAndEnd(400), Is.EqualTo(400));
            Assert.That(callee.SettleIfComplete(500), Is.EqualTo(400), "the continuation, later, finds the call ended at 400");
        }

        [Test]
        public void A_callee_still_running_stays_listed_and_does_not_move_the_end()
        {
            var caller = Handle();
            var running = new TaskCompletionSource<int>();
            var callee = Callee(caller, running.Task);
            Assert.That(caller.SettleAndEnd(400), Is.EqualTo(400));
            Assert.That(caller.HasPendingCallees, Is.True);
            Assert.That(callee.SettleIfComplete(450), Is.EqualTo(0), "0 while its task runs");
        }

        [Test]
        public void A_facade_of_a_facade_ends_no_earlier_than_the_inner_one()
        {
            var outerCaller = Handle();
            var outerOwn = Handle();
            var outer = Callee(outerCaller, Task.CompletedTask, own: outerOwn);
            var inner = Callee(outerOwn, Task.CompletedTask);
            Assert.That(inner.SettleIfComplete(700), Is.EqualTo(700));
            Assert.That(outer.SettleIfComplete(600), Is.EqualTo(700), "the outer facade settles its inner one, which ended later");
            Assert.That(outerCaller.SettleAndEnd(650), Is.EqualTo(700));
        }
    }
}
