using System;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncProf
{
    /// <summary>
    /// A call of a task-returning method (not compiled async) that returned a task not yet complete: the call stays
    /// open until the task completes, the wait being one suspension (wall, never CPU). One of these and one task
    /// continuation are the only allocations, made only for a task still running at return, and charged to nobody.
    /// The call ends at the first of: its continuation running, or its caller resuming or ending while the task is
    /// complete. The second matters because a task's continuations do not run in order once there are several (a
    /// facade of a facade) or when the task runs them asynchronously (SemaphoreSlim, RunContinuationsAsynchronously
    /// sources, a caller blocked on it): the caller may resume before this call's continuation runs, and the call must
    /// not then look longer than its caller, or detached from it.
    /// </summary>
    internal sealed class PendingTaskCall
    {
        readonly CallNode node;
        readonly long startTicks;
        readonly CallHandle? handle, parentHandle;
        readonly long callId, parentCallId;
        readonly Task? task; // null: the call waits for its woven callees instead (see CallHandle.EndWithCallees)
        long endTicks; // when the call ended (Clock ticks), set once by whoever ends it; 0 while open

        /// <summary>When its frame left the thread (the method returned the running task): suspended from then on (wall split).</summary>
        internal long ReturnedTicks;

        /// <summary>The next call in its caller's list of task-returning callees still open (see CallHandle).</summary>
        internal PendingTaskCall? NextPending;

        public PendingTaskCall(CallNode node, long startTicks, CallHandle? handle, CallHandle? parentHandle, long callId, long parentCallId, Task? task)
        {
            this.node = node;
            this.startTicks = startTicks;
            this.handle = handle;
            this.parentHandle = parentHandle;
            this.callId = callId;
            this.parentCallId = parentCallId;
            this.task = task;
        }

        public bool IsFinished => Volatile.Read(ref endTicks) != 0;

        static readonly Action<Task, object?> Completed = (_, state) => ((PendingTaskCall)state!).OnCompleted();

        /// <summary>Ends the call when its task completes, on whatever thread completes it.</summary>
        public void WaitFor()
        {
            // Inline on the completing thread where the task allows it, even under a SynchronizationContext (an
            // awaiter's UnsafeOnCompleted would then hop to the pool): the callback only records.
            task!.ContinueWith(Completed, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        /// <summary>
        /// How late a continuation may run after its caller ended and still be taken as the caller's: a caller
        /// blocked on the task (sync over async) wakes before the continuation runs.
        /// </summary>
        static readonly long RaceTicks = Clock.Frequency / 1000;

        void OnCompleted()
        {
            var now = Clock.Now();
            var detached = false;
            var parentEnd = parentHandle?.EndTicks ?? 0;
            if (parentEnd != 0)
            {
                // The caller ended first. Long before: this call outlived it (fire and forget). Just before: the
                // caller got the result ahead of this callback, so the call ended with its caller, not after.
                if (now - parentEnd > RaceTicks) detached = true;
                else now = Math.Max(startTicks, Math.Min(now, parentEnd));
            }
            Finish(now, task!.IsFaulted || task.IsCanceled, detached);
        }

        /// <summary>
        /// Its caller resumes or ends at <paramref name="now"/>: if the task is complete by then, the call ended
        /// (at the latest) then. Returns when the call ended, which is later than <paramref name="now"/> when its
        /// continuation got there first; 0 while the task still runs.
        /// </summary>
        public long SettleIfComplete(long now)
        {
            if (task == null || !task.IsCompleted) return Volatile.Read(ref endTicks);
            return Finish(now, task.IsFaulted || task.IsCanceled, detached: false);
        }

        /// <summary>The call ends now, on this thread (the callees it waited for completed).</summary>
        public void Complete(bool faulted) => Finish(Clock.Now(), faulted, detached: false);

        /// <summary>Ends the call at <paramref name="now"/> unless it has ended already; returns when it ended.</summary>
        long Finish(long now, bool faulted, bool detached)
        {
            if (now == 0) now = 1;
            // Settled by its caller, or its continuation ran: that end stands. A caller that lost this race to the
            // continuation takes the later end as its own (CallHandle.SettleCallees), so it still contains this call.
            var ended = Interlocked.CompareExchange(ref endTicks, now, 0);
            if (ended != 0) return ended;
            if (handle != null)
            {
                var end = handle.SettleAndEnd(now);
                if (end > now) Volatile.Write(ref endTicks, now = end);
            }
            var session = node.Session;
            if (!session.Recording) return now;
            try
            {
                if (session.Timeline != null)
                {
                    var before = Allocations.CurrentThread(); // the ring may grow a chunk: the profiler's bytes
                    session.Timeline.Add(callId, parentCallId, node, Environment.CurrentManagedThreadId, now, now, 0,
                        faulted ? Timeline.SegmentEnd.Fault : Timeline.SegmentEnd.Complete);
                    ThreadRecorders.Existing(session)?.ExcludeAllocationsSince(before);
                }
                Recorder.Record(node, now - startTicks, suspends: 1, faulted, detached);
                SuspendedTime.TaskCompleted(node, ReturnedTicks, now, parentHandle);
            }
            catch (Exception e) { Recorder.Fail(e, session); }
            return now;
        }
    }
}
