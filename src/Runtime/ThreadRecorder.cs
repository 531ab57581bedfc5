using System;
using System.Threading;

namespace AsyncProf
{
    /// <summary>
    /// One thread's recording into one session: the stack of profiled frames running on it (sync calls and running
    /// segments of async calls), the interval since its last event, charged to the frame on top, and the timeline
    /// segments its frames end. The CPU window (<see cref="CpuWindow"/>) and the sync-call counters
    /// (<see cref="SyncCallCounts"/>) it charges are its own; <see cref="ThreadRecorders"/> picks a thread's
    /// recorder for a session. Only its own thread mutates it, so nothing here locks; results reach the shared tree
    /// through Interlocked adds when a call completes or a window closes.
    /// </summary>
    internal sealed class ThreadRecorder
    {
        readonly ThreadRecorders shared;
        /// <summary>This recorder's index among its thread's recorders (part of the tokens of its sync calls).</summary>
        public readonly int Slot;

        struct Frame
        {
            public CallNode Node;
            public long StartTicks;
            public bool IsSegment; // a running segment of an async call or iterator (its call lives in AsyncCall)
            public bool Suspending; // the segment suspended; it stays on top until its MoveNext returns
            public bool EndsAtReturn; // an async MoveNext, woven with a MoveNextReturn probe
            public bool EndsAtNextEvent; // a runtime-async frame: after a suspension it stays on top until the thread's next event
            public int Suspension; // a suspending segment: which of its call's suspensions (the wall split's hand-off names it)
            public long CallId, ParentCallId, StartCpuNs; // timeline mode only
            public CallHandle? Handle; // this call's handle: an async call's own, a sync call's once a callee asked
            public CallHandle? ParentHandle; // its caller's, when known at entry (an async caller, or the logical one)
        }

        public Session Session = null!;
        Frame[] frames = new Frame[64];
        public int Depth;

        // the last event on this thread: the interval since it is charged to the frame on top
        long lastTicks;
        long lastAlloc;
        bool awaitingTop; // the frame on top is a runtime-async segment that suspended in an AsyncHelpers.Await call

        // mutable structs, used in place (never copied, so never readonly)
        CpuWindow window = new CpuWindow(256);
        SyncCallCounts counts = new SyncCallCounts(SyncCallCounts.Slots);
        /// <summary>The probe's cost sampled in place (the probe drives it; flushed to the session with the CPU window).</summary>
        public ProbeTailSampler Tails;

        public int ManagedThreadId = Environment.CurrentManagedThreadId;
        public string ThreadName = "";

        public ThreadRecorder(ThreadRecorders shared, int slot)
        {
            this.shared = shared;
            Slot = slot;
        }

        /// <summary>A sync call of <paramref name="node"/> starts (counted on its node at the next flush).</summary>
        public void CountStart(CallNode node) => counts.Started(node);

        /// <summary>Starts recording into <paramref name="session"/> (the thread's slot was free, or its session is over).</summary>
        internal void Reset(Session session)
        {
            counts.Flush(); // the previous session's, if any were left
            Session = session;
            Array.Clear(frames, 0, Depth);
            Depth = 0;
            awaitingTop = false;
            lastTicks = Clock.Now();
            window.Start(lastTicks, ThreadCpuClock.NowNs(), GcPauses.TotalNs());
            ManagedThreadId = Environment.CurrentManagedThreadId;
            Tails.Reset(ManagedThreadId);
            var thread = Thread.CurrentThread;
            ThreadName = thread.Name ?? (thread.IsThreadPoolThread ? ".NET ThreadPool Worker" : ManagedThreadId == 1 ? "Main" : "Thread " + ManagedThreadId);
        }

        /// <summary>Counts the thread's allocations from here: what came before is charged or hidden already.</summary>
        internal void CountAllocationsFromNow() => lastAlloc = Allocations.CurrentThread() - shared.AllocSkew;

        /// <summary>Closes the interval up to now on this (already attached) recorder and returns now.</summary>
        public long Event()
        {
            var now = Clock.Now();
            Advance(now);
            return now;
        }

        /// <summary>Hides what the profiler allocated on this thread since <paramref name="before"/> from user figures.</summary>
        public void ExcludeAllocationsSince(long before) => shared.AllocSkew += Allocations.CurrentThread() - before;

        /// <summary>
        /// Charges the interval since the previous event to the frame on top: its allocations at once, its wall time
        /// to the CPU window. Closes the window when it is old enough, or when this interval alone was long (it may
        /// have blocked: it then gets a clock reading of its own instead of sharing a rate with busy neighbours).
        /// </summary>
        internal void Advance(long now)
        {
            if (awaitingTop && EndAwaitingTop(now)) return;
            Charge(now);
        }

        /// <summary>
        /// Ends the runtime-async segment left on top by a suspension (see <see cref="Suspend"/>). The frame has
        /// unwound since, with no instruction of ours where it returned: the interval up to this event is its
        /// suspension's cost (the runtime capturing and allocating its continuation, the awaited task's
        /// registration), as a state machine's AwaitUnsafeOnCompleted is its own. With its caller's frame right
        /// below, the frame unwound into its caller, whose next probe event is this one; without (a resumed frame,
        /// whose suspension unwinds into the runtime's dispatcher or the thread pool), only a short interval is
        /// charged: after a long one the thread may have idled or run other work, which is not the callee's (the
        /// frame below, or nobody, gets it). True when the interval was charged.
        /// </summary>
        bool EndAwaitingTop(long now)
        {
            awaitingTop = false;
            var awaitEnd = lastTicks;
            ref var f = ref frames[Depth - 1];
            var intoCaller = Depth > 1 && frames[Depth - 2].Node == f.Node.Parent;
            var charged = intoCaller || now - lastTicks < Session.LongIntervalTicks;
            if (charged) Charge(now);
            AddToTimeline(ref f, f.Node, charged ? now : awaitEnd, Timeline.SegmentEnd.Suspend);
            f = default;
            Depth--;
            if (charged) SettleIfIdle(now);
            return charged;
        }

        /// <summary>Charges the interval since the last event to the frame on top (see <see cref="Advance"/>).</summary>
        void Charge(long now)
        {
            var alloc = Allocations.CurrentThread() - shared.AllocSkew;
            var ticks = now - lastTicks;
            var bytes = alloc - lastAlloc;
            lastTicks = now;
            lastAlloc = alloc;
            CallNode? node = null;
            if (Depth > 0)
            {
                node = frames[Depth - 1].Node;
                if (bytes != 0) Interlocked.Add(ref node.SelfAllocBytes, bytes);
                if (!window.Add(node, ticks))
                {
                    GrowWindow();
                    window.Add(node, ticks);
                }
            }
            window.EndInterval(node, ticks);
            if (ticks >= Session.LongIntervalTicks || now - window.StartTicks >= Session.CpuWindowTicks || window.Count >= CpuWindow.MaxEntries)
                CloseWindow(now);
        }

        /// <summary>
        /// The interval since the last event was the profiler's own work (registering a module, writing a profile):
        /// it is charged to nobody, and what it allocated is hidden.
        /// </summary>
        public void SkipInterval(long allocBefore)
        {
            ExcludeAllocationsSince(allocBefore);
            lastTicks = Clock.Now();
            CountAllocationsFromNow();
        }

        void GrowWindow()
        {
            var before = Allocations.CurrentThread();
            window.Grow();
            ExcludeAllocationsSince(before);
        }

        /// <summary>
        /// Settles the CPU window at <paramref name="now"/> (see <see cref="CpuWindow.Apportion"/>): reads the thread
        /// CPU clock and the GC pause total once, and flushes the sync-call counters and the sampled probe tails with it.
        /// </summary>
        public void CloseWindow(long now)
        {
            counts.Flush();
            Tails.FlushTo(Session.ProbeTails);
            var clock = ThreadCpuClock.Available;
            window.Close(now, clock, clock ? ThreadCpuClock.NowNs() : 0, GcPauses.TotalNs(), Clock.TicksToNs);
        }

        /// <summary>
        /// The thread's last profiled frame is gone (the thread may now idle, or never record again): settle the
        /// window if it holds enough profiled time to matter, so at most one long interval's worth stays unsettled.
        /// </summary>
        void SettleIfIdle(long now)
        {
            if (Depth != 0) return;
            if (window.ProfiledTicks >= Session.LongIntervalTicks) CloseWindow(now);
            else counts.Flush();
        }

        public CallNode? Top => Depth > 0 ? frames[Depth - 1].Node : null;
        public long TopCallId => Depth > 0 ? frames[Depth - 1].CallId : 0;
        public CallHandle? TopHandle => Depth > 0 ? frames[Depth - 1].Handle : null;
        /// <summary>The node of the frame a sync call's token names (its depth), if it is still there.</summary>
        public CallNode? NodeAt(int depth) => depth > 0 && depth <= Depth ? frames[depth - 1].Node : null;
        /// <summary>The handle of the sync call at <paramref name="depth"/>, if a callee asked for one.</summary>
        public CallHandle? HandleAt(int depth) => depth > 0 && depth <= Depth && !frames[depth - 1].IsSegment ? frames[depth - 1].Handle : null;

        public int Push(CallNode node, long now, bool isSegment, long callId = 0, long parentCallId = 0, bool endsAtReturn = false,
            CallHandle? handle = null, CallHandle? parentHandle = null, bool endsAtNextEvent = false)
        {
            if (Depth == frames.Length)
            {
                var before = Allocations.CurrentThread();
                Array.Resize(ref frames, frames.Length * 2);
                ExcludeAllocationsSince(before);
            }
            frames[Depth].Node = node;
            frames[Depth].StartTicks = now;
            frames[Depth].IsSegment = isSegment;
            frames[Depth].Suspending = false;
            frames[Depth].EndsAtReturn = endsAtReturn;
            frames[Depth].EndsAtNextEvent = endsAtNextEvent;
            frames[Depth].CallId = callId;
            frames[Depth].ParentCallId = parentCallId;
            frames[Depth].StartCpuNs = window.StartCpuNs;
            frames[Depth].Handle = handle;
            frames[Depth].ParentHandle = parentHandle;
            return ++Depth;
        }

        /// <summary>
        /// Pops an ordinary call's frame (token = its depth) and records it. Frames above it were left by code that
        /// did not exit through its probe (cannot happen in woven code, but the recorder never trusts that).
        /// </summary>
        public void PopCall(int token, long now, bool faulted, bool endsHandle = true)
        {
            if (!PopTo(token)) return;
            ref var f = ref frames[--Depth];
            var node = f.Node;
            f.Node = null!;
            if (f.IsSegment) return;
            if (endsHandle && f.Handle != null) now = f.Handle.SettleAndEnd(now);
            AddToTimeline(ref f, node, now, faulted ? Timeline.SegmentEnd.Fault : Timeline.SegmentEnd.Exit);
            counts.Ended(node, now - f.StartTicks);
            SettleIfIdle(now);
            if (faulted) Interlocked.Increment(ref node.Faults);
            if (f.ParentHandle == null) return;
            // the thread's bottom frame with a logical caller: queued work (Task.Run(() => Work())) the caller may
            // await with others, so it can be what the caller's resumption waited on last (the critical path)
            if (Depth == 0) f.ParentHandle.QueuedWorkCompleted(node, f.StartTicks);
            if (CallHandle.Outlived(f.ParentHandle)) Interlocked.Increment(ref node.Detached);
        }

        /// <summary>
        /// A task-returning call (token = its depth) returns a task still running: its frame leaves the thread, its
        /// call stays open in the returned <see cref="PendingTaskCall"/>. Null when the token names no sync call.
        /// </summary>
        public PendingTaskCall? SuspendCall(int token, long now, System.Threading.Tasks.Task? task = null)
        {
            if (!PopTo(token) || frames[token - 1].IsSegment) return null;
            var before = Allocations.CurrentThread();
            var parentHandle = ParentHandleOf(token - 1);
            ref var f = ref frames[--Depth];
            var pending = new PendingTaskCall(f.Node, f.StartTicks, f.Handle, parentHandle, f.CallId, f.ParentCallId, task) { ReturnedTicks = now };
            ExcludeAllocationsSince(before);
            if (task != null) parentHandle?.AddPending(pending);
            AddToTimeline(ref f, f.Node, now, Timeline.SegmentEnd.Suspend);
            f = default;
            SettleIfIdle(now);
            return pending;
        }

        /// <summary>Drops frames above <paramref name="token"/> (left by code that did not exit through its probe: cannot happen in woven code, but the recorder never trusts that).</summary>
        bool PopTo(int token)
        {
            if (token > Depth || token <= 0) return false;
            while (Depth > token)
            {
                ref var above = ref frames[--Depth];
                if (!above.IsSegment) above.Handle?.End(Clock.Now());
                above = default;
            }
            return true;
        }

        /// <summary>
        /// The handle of the caller of the call at <paramref name="index"/>: the one it entered with, else its caller's
        /// frame right below it on this thread, given a handle now if it is a sync call's. Null when unknown (an
        /// iterator's segment, a thread's first frame with no logical caller): such calls are never detached.
        /// </summary>
        CallHandle? ParentHandleOf(int index)
        {
            ref var f = ref frames[index];
            if (f.ParentHandle != null || index == 0) return f.ParentHandle;
            ref var caller = ref frames[index - 1];
            if (caller.Node != f.Node.Parent) return null;
            if (caller.Handle == null && !caller.IsSegment)
                caller.Handle = new CallHandle(caller.Node, caller.CallId); // the profiler's bytes: callers exclude them
            return caller.Handle;
        }

        /// <summary>The handle of the caller of <paramref name="node"/>'s running segment (see <see cref="ParentHandleOf"/>).</summary>
        public CallHandle? CallerHandleOf(CallNode node)
        {
            var before = Allocations.CurrentThread();
            CallHandle? handle = null;
            for (var i = Depth - 1; i >= 0; i--)
                if (frames[i].Node == node && frames[i].IsSegment)
                {
                    handle = ParentHandleOf(i);
                    break;
                }
            ExcludeAllocationsSince(before);
            return handle;
        }

        /// <summary>Pops the running segment of an async call (normally the top frame).</summary>
        public void PopSegment(CallNode node, long now, Timeline.SegmentEnd end)
        {
            for (var i = Depth - 1; i >= 0; i--)
            {
                if (frames[i].Node != node || !frames[i].IsSegment) continue;
                AddToTimeline(ref frames[i], node, now, end);
                while (Depth > i) frames[--Depth] = default;
                SettleIfIdle(now);
                return;
            }
        }

        /// <summary>
        /// A call suspends. An async call's segment stays on top until its MoveNext returns, so the suspension's own
        /// cost (the state machine box and continuation allocated by AwaitUnsafeOnCompleted) is the callee's, not its
        /// caller's; a runtime-async segment, for the same reason, stays on top until the thread's next event
        /// (<see cref="EndAwaitingTop"/>); a sync iterator's segment ends here (its MoveNext returns right after).
        /// </summary>
        /// <returns>When the segment ended, or 0 when it ends at its MoveNext's return (wall split).</returns>
        public long Suspend(CallNode node, int suspension)
        {
            for (var i = Depth - 1; i >= 0; i--)
            {
                if (frames[i].Node != node || !frames[i].IsSegment || frames[i].Suspending) continue;
                if (frames[i].EndsAtReturn)
                {
                    frames[i].Suspending = true;
                    frames[i].Suspension = suspension;
                    return 0;
                }
                var now = Event();
                if (frames[i].EndsAtNextEvent && i == Depth - 1)
                {
                    awaitingTop = true;
                    return now; // the wall split's suspension starts at the Await call
                }
                PopSegment(node, now, Timeline.SegmentEnd.Suspend);
                return now;
            }
            return 0;
        }

        /// <summary>Ends a runtime-async segment left on top by its suspension, before an event that reads the stack without a clock.</summary>
        public void EndAwaitingSegment()
        {
            if (awaitingTop) Event();
        }

        /// <summary>A woven MoveNext returns: the segment on top ends here if it suspended.</summary>
        public bool TopIsSuspending => Depth > 0 && frames[Depth - 1].Suspending;

        public void PopSuspended(long now)
        {
            ref var f = ref frames[Depth - 1];
            f.Handle?.MarkSuspended(now, f.Suspension); // wall split: the segment's end, for the thread that resumes the call
            AddToTimeline(ref f, f.Node, now, Timeline.SegmentEnd.Suspend);
            f = default;
            Depth--;
            SettleIfIdle(now);
        }

        void AddToTimeline(ref Frame f, CallNode node, long now, Timeline.SegmentEnd end)
        {
            var timeline = Session.Timeline;
            if (timeline == null) return;
            var before = Allocations.CurrentThread(); // the ring grows by chunks: the profiler's bytes, not the user's
            timeline.Add(f.CallId, f.ParentCallId, node, ManagedThreadId, f.StartTicks, now, window.StartCpuNs - f.StartCpuNs, end);
            ExcludeAllocationsSince(before);
        }
    }
}
