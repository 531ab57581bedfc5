using System.Threading;

namespace AsyncProf
{
    /// <summary>
    /// Time suspended (awaiting, on no thread), measured from timestamps the recorder already takes: a segment's end
    /// at its suspension and the next segment's start at the resumption. No clock is read for it, and nothing on the
    /// sync-call path touches it. Of it, queued time waited for a thread: all of a suspension that queued its
    /// continuation at once (Task.Yield), and the wait for a thread of queued work (Task.Run) that a resumption
    /// waited on last (<see cref="CallHandle.QueuedWorkCompleted"/>). The rest of the wall split is derived when a profile is written
    /// (<see cref="ProfileSnapshot"/>): on-thread = wall − suspended, running = CPU up to on-thread, blocked = the rest.
    /// </summary>
    internal static class SuspendedTime
    {
        /// <summary>
        /// A suspended segment ended at <paramref name="now"/>. An async call's segment ends in MoveNextReturn, which
        /// may run after its continuation started on another thread: the end goes to the call's handle, never to the
        /// state machine. A call without a handle (a sync iterator) ends its segment on the thread that resumes it.
        /// </summary>
        public static void SegmentSuspended(ref AsyncCall call, long now)
        {
            if (call.Handle != null) call.Handle.MarkSuspended(now, call.Suspends);
            else call.SuspendedAt = now;
        }

        /// <summary>The call resumes at <paramref name="now"/>: the time since its segment ended was suspended.</summary>
        public static void Resumed(ref AsyncCall call, long now)
        {
            long ticks;
            if (call.Handle != null)
            {
                ticks = call.Handle.TakeSuspendedTicks(now, call.Suspends);
                // the critical path: the callee that completed last during this suspension is what it waited on last
                if (call.Handle.TakeLastCallee(out var waited) is CallNode last)
                {
                    Interlocked.Increment(ref last.CriticalCount);
                    Interlocked.Add(ref last.CriticalTicks, ticks);
                    // the queued work it waited on last waited for a thread for part of this suspension
                    if (waited > 0 && !call.ResumeQueued) QueuedTicks(ref call) += System.Math.Min(waited, ticks);
                }
            }
            else
            {
                ticks = call.SuspendedAt != 0 && now > call.SuspendedAt ? now - call.SuspendedAt : 0;
                call.SuspendedAt = 0;
            }
            call.SuspendedTicks += ticks;
            if (!call.ResumeQueued) return;
            call.ResumeQueued = false;
            if (call.Handle != null) QueuedTicks(ref call) += ticks; // its continuation was queued when it suspended: all of it waited for a thread
        }

        /// <summary>
        /// A call's queued ticks so far, for a call with a handle only: it keeps its segment end in the handle, so
        /// <see cref="AsyncCall.SuspendedAt"/> is free to hold them (no field more in every state machine).
        /// </summary>
        static ref long QueuedTicks(ref AsyncCall call) => ref call.SuspendedAt;

        /// <summary>The call completes: its suspended time goes to its node, with its wall time; its caller learns it completed.</summary>
        public static void Completed(CallNode node, ref AsyncCall call)
        {
            call.ParentHandle?.CalleeCompleted(node);
            if (call.SuspendedTicks != 0) Interlocked.Add(ref node.SuspendedTicks, call.SuspendedTicks);
            if (call.Handle != null && QueuedTicks(ref call) != 0) Interlocked.Add(ref node.QueuedTicks, QueuedTicks(ref call));
            call.SuspendedTicks = 0;
            if (call.Handle != null) QueuedTicks(ref call) = 0;
        }

        /// <summary>A task-returning call's frame left the thread at <paramref name="returned"/>; its task completed at <paramref name="end"/>.</summary>
        public static void TaskCompleted(CallNode node, long returned, long end, CallHandle? parent)
        {
            parent?.CalleeCompleted(node);
            if (end > returned) Interlocked.Add(ref node.SuspendedTicks, end - returned);
        }
    }
}
