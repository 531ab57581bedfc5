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

        // ---- the wall split's hand-off: a segment's end (MoveNextReturn) and the resumption, in either order

        [Test]
        public void A_suspension_lasts_from_its_segment_s_end_to_the_resumption()
        {
            var call = Handle();
            call.MarkSuspended(1_000_000, suspension: 1);
            Assert.That(call.TakeSuspendedTicks(1_600_000, suspension: 1), Is.EqualTo(600_000).Within(128), "the mark's low byte names the suspension: ±128 ticks");
            Assert.That(call.TakeSuspendedTicks(1_700_000, suspension: 1), Is.EqualTo(0), "taken once");
        }

        [Test]
        public void A_resumption_before_its_segment_s_end_makes_that_suspension_last_no_time()
        {
            var call = Handle();
            Assert.That(call.TakeSuspendedTicks(2_000_000, suspension: 1), Is.EqualTo(0));
            call.MarkSuspended(1_990_000, suspension: 1); // the late MoveNextReturn
            call.MarkSuspended(3_000_000, suspension: 2);
            Assert.That(call.TakeSuspendedTicks(3_500_000, suspension: 2), Is.EqualTo(500_000).Within(128));
        }

        [Test]
        public void A_segment_end_later_than_the_next_suspension_s_does_not_overwrite_it()
        {
            // Thread A suspends the call (1) and is preempted before its MoveNextReturn; thread B resumes it, runs the
            // next segment and suspends it (2), its MoveNextReturn first; then A's late one arrives.
            var call = Handle();
            Assert.That(call.TakeSuspendedTicks(2_000_000, suspension: 1), Is.EqualTo(0), "resumed before its segment's end");
            call.MarkSuspended(2_400_000, suspension: 2);
            call.MarkSuspended(1_900_000, suspension: 1); // stale
            Assert.That(call.TakeSuspendedTicks(3_000_000, suspension: 2), Is.EqualTo(600_000).Within(128),
                "suspension 2 lasted from its own segment's end, not from suspension 1's");
        }

        [Test]
        public void Suspensions_are_told_apart_across_the_count_s_wrap()
        {
            var call = Handle();
            for (var n = 250; n <= 262; n++)
            {
                call.MarkSuspended(n * 10_000L, n);
                Assert.That(call.TakeSuspendedTicks(n * 10_000L + 5_000, n), Is.EqualTo(5_000).Within(128), $"suspension {n}");
            }
            Assert.That(call.TakeSuspendedTicks(9_000_000, 263), Is.EqualTo(0));
            call.MarkSuspended(8_000_000, 262); // older than the resumption just seen: ignored
            call.MarkSuspended(9_500_000, 264);
            Assert.That(call.TakeSuspendedTicks(9_600_000, 264), Is.EqualTo(100_000).Within(128));
        }
    }
}
