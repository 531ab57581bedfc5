using System.Threading;

namespace AsyncProf
{
    /// <summary>
    /// One call that others may outlive: its callees and the work it queued hold it to learn, when they complete,
    /// whether it had already ended (then they were <em>detached</em>: fire-and-forget, an un-awaited Task.Run, a
    /// timer). It is also the logical caller flowed to queued work through the execution context.
    /// Async calls get one when they start (the execution-context write allocates anyway); a sync call gets one only
    /// when a callee that outlives its own first stretch asks for it, so plain sync code never allocates one.
    /// </summary>
    internal sealed class CallHandle
    {
        public readonly CallNode Node;
        /// <summary>The call's id in the timeline (0 without one).</summary>
        public readonly long CallId;
        long endTicks; // Clock ticks when the call ended; 0 while open

        public CallHandle(CallNode node, long callId)
        {
            Node = node;
            CallId = callId;
        }

        public bool Ended => Volatile.Read(ref endTicks) != 0;

        /// <summary>When the call ended (Clock ticks), 0 while it is open.</summary>
        public long EndTicks => Volatile.Read(ref endTicks);

        public void End(long now) => Volatile.Write(ref endTicks, now == 0 ? 1 : now);

        // Callees still running that hold this handle (async calls that suspended under this sync call), and a call
        // whose end waits for them: a method returning a ValueTask it cannot observe (a pooled async core's).
        int openCallees;
        PendingTaskCall? waiting;

        /// <summary>A callee that outlives its first segment took this handle: it counts until it completes.</summary>
        public void CalleeStarted() => Interlocked.Increment(ref openCallees);

        public bool HasOpenCallees => Volatile.Read(ref openCallees) > 0;

        public void CalleeEnded()
        {
            if (Interlocked.Decrement(ref openCallees) == 0)
                Interlocked.Exchange(ref waiting, null)?.Complete(faulted: false);
        }

        /// <summary>
        /// Ends <paramref name="call"/> when the last callee holding this handle completes; false when none is
        /// running (the call then ends now). The callee's completion knows its end: no awaitable is touched.
        /// </summary>
        public bool EndWithCallees(PendingTaskCall call)
        {
            if (Volatile.Read(ref openCallees) == 0) return false;
            Volatile.Write(ref waiting, call);
            // the last callee may have completed meanwhile: whoever takes the waiting call back completes it
            if (Volatile.Read(ref openCallees) == 0)
                Interlocked.Exchange(ref waiting, null)?.Complete(faulted: false);
            return true;
        }

        PendingTaskCall? pendingCallees; // task-returning callees still open, newest first

        /// <summary>A task-returning callee returned a task still running: it is settled when this call resumes or ends.</summary>
        public void AddPending(PendingTaskCall callee)
        {
            PendingTaskCall? head;
            do
            {
                head = Volatile.Read(ref pendingCallees);
                callee.NextPending = head;
            } while (Interlocked.CompareExchange(ref pendingCallees, callee, head) != head);
        }

        public bool HasPendingCallees => Volatile.Read(ref pendingCallees) != null;

        /// <summary>
        /// This call resumes or ends at <paramref name="now"/>: task-returning callees whose task is complete end
        /// here at the latest (their own continuation may not have run yet); those still running stay listed.
        /// Returns the latest end among the callees settled (0 when none was): a continuation on another thread may
        /// have ended one a little after <paramref name="now"/>, and a call that ends must not end before it.
        /// </summary>
        public long SettleCallees(long now)
        {
            var list = Interlocked.Exchange(ref pendingCallees, null);
            long latest = 0;
            while (list != null)
            {
                var next = list.NextPending;
                list.NextPending = null;
                var ended = list.SettleIfComplete(now);
                if (ended == 0) AddPending(list);
                else if (ended > latest) latest = ended;
                list = next;
            }
            return latest;
        }

        /// <summary>The call ends at <paramref name="now"/>, or later if a callee it settles ended later; returns its end.</summary>
        public long SettleAndEnd(long now)
        {
            if (HasPendingCallees) now = System.Math.Max(now, SettleCallees(now));
            End(now);
            return now;
        }

        // ---- the wall split (SuspendedTime): when the call's last segment suspended, handed from the thread that ends it
        //      (MoveNextReturn) to the thread that resumes it, in either order. Each hand-off names its suspension (the
        //      call's suspension count, mod 256, in the low byte of the ticks): a MoveNextReturn late enough to come after
        //      its own resumption and the next suspension's end must not overwrite the newer news.
        long suspendedAt; // 0: none; > 0: a segment's end (ticks, low byte: its suspension); < 0: that suspension resumed first

        const long SeqMask = 0xFF;

        /// <summary>The segment ending suspension <paramref name="suspension"/> (the call's count of them) ended at <paramref name="now"/>.</summary>
        public void MarkSuspended(long now, int suspension)
        {
            var mark = (now & ~SeqMask) | (suspension & SeqMask);
            if (mark <= 0) mark = SeqMask + 1 | (suspension & SeqMask); // a clock that early: the mark must stay positive
            while (true)
            {
                var current = Volatile.Read(ref suspendedAt);
                if (current != 0 && IsLater(current, suspension)) return; // a later suspension's news is there: this one is stale
                // its resumption came first, on another thread: this suspension lasted no time
                var next = current < 0 && SameSuspension(current, suspension) ? 0 : mark;
                if (Interlocked.CompareExchange(ref suspendedAt, next, current) == current) return;
            }
        }

        /// <summary>The ticks from the end of the segment before suspension <paramref name="suspension"/> to <paramref name="now"/> (0 when it has not ended yet).</summary>
        public long TakeSuspendedTicks(long now, int suspension)
        {
            while (true)
            {
                var current = Volatile.Read(ref suspendedAt);
                if (current > 0 && SameSuspension(current, suspension))
                {
                    if (Interlocked.CompareExchange(ref suspendedAt, 0, current) != current) continue;
                    var at = TicksOf(current);
                    return now > at ? now - at : 0;
                }
                if (current != 0 && IsLater(current, suspension)) return 0;
                // not ended yet (or an older suspension's mark, never taken): its end, when it comes, lasted no time
                if (Interlocked.CompareExchange(ref suspendedAt, long.MinValue | (suspension & SeqMask), current) == current) return 0;
            }
        }

        static bool SameSuspension(long value, int suspension) => ((value ^ suspension) & SeqMask) == 0;

        static bool IsLater(long value, int suspension) => (sbyte)(byte)(value - suspension) > 0;

        /// <summary>A mark's ticks: its low byte held the suspension, so the middle of the 256 ticks it hid (unbiased, ±128).</summary>
        static long TicksOf(long mark) => (mark & ~SeqMask) + SeqMask / 2;

        // ---- the critical path (SuspendedTime): the last callee to complete while this call was suspended, and how
        //      much of this suspension it spent waiting for a thread before it started (queued work only)
        CallNode? lastCallee;
        int lastCalleeWaitedUs; // µs, not ticks: an int fits in the padding beside openCallees (no byte more per handle)

        /// <summary>A callee of this call completed; while this call is suspended, it is the latest its resumption waited for.</summary>
        public void CalleeCompleted(CallNode callee)
        {
            if (Volatile.Read(ref suspendedAt) > 0) Volatile.Write(ref lastCallee, callee); // suspended now
        }

        /// <summary>
        /// Queued work (Task.Run) of this call completed on its own thread, having started at <paramref name="startTicks"/>:
        /// as <see cref="CalleeCompleted(CallNode)"/>, and the part of this call's suspension the work waited for a
        /// thread (from when it was queued, or this suspension began if later, to its start) is queued time.
        /// </summary>
        public void QueuedWorkCompleted(CallNode callee, long startTicks)
        {
            var mark = Volatile.Read(ref suspendedAt);
            if (mark <= 0) return;
            var at = TicksOf(mark);
            var queuedAt = QueueTimes.TakeCurrent();
            var waited = queuedAt == 0 ? 0 : startTicks - System.Math.Max(queuedAt, at);
            Volatile.Write(ref lastCalleeWaitedUs, waited > 0 ? (int)System.Math.Min(int.MaxValue, waited * Clock.TicksToNs / 1000) : 0);
            Volatile.Write(ref lastCallee, callee);
        }

        /// <summary>The callee that completed last during the suspension that ends now, if one did, and how long of it that callee waited for a thread.</summary>
        public CallNode? TakeLastCallee(out long waitedTicks)
        {
            waitedTicks = 0;
            if (Volatile.Read(ref lastCallee) == null) return null; // mostly null: no locked op then
            var last = Interlocked.Exchange(ref lastCallee, null);
            if (last != null) waitedTicks = (long)(Interlocked.Exchange(ref lastCalleeWaitedUs, 0) * 1000 / Clock.TicksToNs);
            return last;
        }

        /// <summary>True when a callee completing now outlived the call behind <paramref name="parent"/>.</summary>
        public static bool Outlived(CallHandle? parent) => parent != null && parent.Ended;
    }
}
