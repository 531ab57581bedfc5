using System;
using System.Diagnostics;
using System.Threading.Tasks;

namespace AsyncProf
{
    /// <summary>
    /// A call of a task-returning method (not compiled async) that returned a task not yet complete: the call stays
    /// open until the task completes, the wait being one suspension (wall, never CPU). One of these and one
    /// continuation delegate are the only allocations, made only for a task still running at return, and charged to
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

        /// <summary>Ends the call when <paramref name="pending"/> completes, on whatever thread completes it.</summary>
        public void WaitFor(Task pending)
        {
            task = pending;
            // no captured context and no execution-context flow: the callback only records, inline where it can
            pending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(OnCompleted);
        }

        void OnCompleted()
        {
            handle?.End();
            var session = node.Session;
            if (!session.Recording) return;
            try
            {
                var now = Stopwatch.GetTimestamp();
                var faulted = task.IsFaulted || task.IsCanceled;
                session.Timeline?.Add(callId, parentCallId, node, Environment.CurrentManagedThreadId, now, now, 0,
                    faulted ? Timeline.SegmentEnd.Fault : Timeline.SegmentEnd.Complete);
                Recorder.Record(node, now - startTicks, suspends: 1, faulted, CallHandle.Outlived(parentHandle));
            }
            catch (Exception e) { Recorder.Fail(e, session); }
        }
    }
}
