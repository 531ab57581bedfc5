using System;
using System.Diagnostics;
using System.Threading.Tasks;

namespace AsyncProf
{
    /// <summary>
    /// A call of a task-returning method (not compiled async) that returned a task not yet complete: the call stays
    /// open until the task completes, the wait being one suspension (wall, never CPU). One of these and one
    /// task continuation are the only allocations, made only for a task still running at return, and charged to
    /// nobody. The continuation is registered before the caller can await the task, so it runs first and the call
    /// ends before the caller resumes.
    /// </summary>
    internal sealed class PendingTaskCall
    {
        readonly CallNode node;
        readonly long startTicks;
        readonly CallHandle? handle, parentHandle;
        readonly long callId, parentCallId;
        Task task = null!;

        public PendingTaskCall(CallNode node, long startTicks, CallHandle? handle, CallHandle? parentHandle, long callId, long parentCallId)
        {
            this.node = node;
            this.startTicks = startTicks;
            this.handle = handle;
            this.parentHandle = parentHandle;
            this.callId = callId;
            this.parentCallId = parentCallId;
        }

        static readonly Action<Task, object?> Completed = (_, state) => ((PendingTaskCall)state!).OnCompleted();

        /// <summary>Ends the call when <paramref name="pending"/> completes, on whatever thread completes it.</summary>
        public void WaitFor(Task pending)
        {
            task = pending;
            // Inline on the completing thread even under a SynchronizationContext (an awaiter's UnsafeOnCompleted
            // would then hop to the pool and record the end late, after the caller may have resumed): the callback
            // only records.
            pending.ContinueWith(Completed, this, System.Threading.CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        /// <summary>
        /// How late this callback may run after its task completed: a task that runs its continuations
        /// asynchronously (SemaphoreSlim, TaskCompletionSource with RunContinuationsAsynchronously) queues this callback
        /// beside the caller's resumption, and a caller blocked on the task (sync over async) wakes before it runs.
        /// </summary>
        static readonly long RaceTicks = Stopwatch.Frequency / 1000;

        void OnCompleted() => Complete(task.IsFaulted || task.IsCanceled);

        /// <summary>The call ends now, on this thread (its task completed, or the callees it waited for did).</summary>
        public void Complete(bool faulted)
        {
            var now = Stopwatch.GetTimestamp();
            var detached = false;
            var parentEnd = parentHandle?.EndTicks ?? 0;
            if (parentEnd != 0)
            {
                // The caller ended first. Long before: this call outlived it (fire and forget). Just before: the
                // caller resumed on this task ahead of this callback, so the call ended with its caller, not after.
                if (now - parentEnd > RaceTicks) detached = true;
                else now = Math.Max(startTicks, Math.Min(now, parentEnd));
            }
            handle?.End(now);
            var session = node.Session;
            if (!session.Recording) return;
            try
            {
                if (session.Timeline != null)
                {
                    var before = Allocations.CurrentThread(); // the ring may grow a chunk: the profiler's bytes
                    session.Timeline.Add(callId, parentCallId, node, Environment.CurrentManagedThreadId, now, now, 0,
                        faulted ? Timeline.SegmentEnd.Fault : Timeline.SegmentEnd.Complete);
                    ThreadRecorder.Existing(session)?.ExcludeAllocationsSince(before);
                }
                Recorder.Record(node, now - startTicks, suspends: 1, faulted, detached);
            }
            catch (Exception e) { Recorder.Fail(e, session); }
        }
    }
}
