using System;
using System.Threading;

namespace AsyncProf
{
    /// <summary>
    /// What one thread knows while recording: the stack of profiled frames running on it (sync calls and running
    /// segments of async calls), and the open CPU window. Only its own thread mutates it, so nothing here locks;
    /// results reach the shared tree through Interlocked adds when a call completes or a window closes.
    /// </summary>
    internal sealed class ThreadRecorder
    {
        /// <summary>What a thread's recorders share: the profiler's own allocations on the thread, and the recorders.</summary>
        sealed class PerThread
        {
            public long AllocSkew;
            public readonly ThreadRecorder?[] Slots = new ThreadRecorder?[MaxSessionsPerThread];
            public int Attached; // slots in use: with one, MoveNextReturn needs no scan
        }

        /// <summary>Sessions a thread records into at once: the whole-process one and the scopes whose flows run on it.</summary>
        public const int MaxSessionsPerThread = 8;

        [ThreadStatic] static ThreadRecorder? current; // the one used last: nearly every event hits it
        [ThreadStatic] static PerThread? perThread;

        PerThread shared = null!;
        /// <summary>This recorder's index among its thread's recorders (part of the tokens of its sync calls).</summary>
        public int Slot;

        struct Frame
        {
            public CallNode Node;
            public long StartTicks;
            public bool IsSegment; // a running segment of an async call or iterator (its call lives in AsyncCall)
            public bool Suspending; // the segment suspended; it stays on top until its MoveNext returns
            public bool EndsAtReturn; // an async MoveNext, woven with a MoveNextReturn probe
            public bool EndsAtNextEvent; // a runtime-async frame: after a suspension it stays on top until the thread's next event
            public long CallId, ParentCallId, StartCpuNs; // timeline mode only
            public CallHandle? Handle; // this call's handle: an async call's own, a sync call's once a callee asked
            public CallHandle? ParentHandle; // its caller's, when known at entry (an async caller, or the logical one)
        }

        struct WindowEntry
        {
            public CallNode Node;
            public long Ticks;
        }

        public Session Session = null!;
        Frame[] frames = new Frame[64];
        public int Depth;

        // the last event on this thread: the interval since it is charged to the frame on top
        long lastTicks;
        long lastAlloc;
        bool awaitingTop; // the frame on top is a runtime-async segment that suspended in an AsyncHelpers.Await call


        // the CPU window: intervals since the last thread-CPU reading, charged at the next one
        long windowStartTicks;
        long windowStartCpuNs;
        long windowStartGcNs; // the process's GC pause total at the window's start
        long windowProfiledTicks;
        long finalIntervalTicks; // the window's last interval, and whose it was (null: unprofiled)
        CallNode? finalIntervalNode;
        WindowEntry[] window = new WindowEntry[256];
        int windowCount;
        const int MaxWindowEntries = 8192;

        // Sync calls' counters, gathered here and added to their nodes in one go (an Interlocked add costs ~5 ns,
        // three per call otherwise): at every window close and whenever the thread's last profiled frame exits, so
        // a profile written meanwhile misses at most one window's calls of a thread still inside profiled code.
        struct PendingCounts
        {
            public CallNode? Node;
            public long Started, Calls, WallTicks;
        }

        internal const int PendingSlots = 64;
        readonly PendingCounts[] pending = new PendingCounts[PendingSlots];
        readonly int[] dirty = new int[PendingSlots];
        int dirtyCount;

        /// <summary>A sync call of <paramref name="node"/> starts (counted on its node at the next flush).</summary>
        public void CountStart(CallNode node) => Pending(node).Started++;

        ref PendingCounts Pending(CallNode node)
        {
            var slot = node.CountSlot;
            ref var e = ref pending[slot];
            if (e.Node != node)
            {
                if (e.Node != null) Flush(ref e);
                else dirty[dirtyCount++] = slot;
                e.Node = node;
            }
            return ref e;
        }

        static void Flush(ref PendingCounts e)
        {
            var node = e.Node!;
            if (e.Started != 0) Interlocked.Add(ref node.Started, e.Started);
            if (e.Calls != 0) Interlocked.Add(ref node.Calls, e.Calls);
            if (e.WallTicks != 0) Interlocked.Add(ref node.WallTicks, e.WallTicks);
            e.Started = e.Calls = e.WallTicks = 0;
        }

        /// <summary>Adds every gathered counter to its node.</summary>
        public void FlushCounts()
        {
            for (var i = 0; i < dirtyCount; i++)
            {
                ref var e = ref pending[dirty[i]];
                Flush(ref e);
                e.Node = null;
            }
            dirtyCount = 0;
        }

        public int ManagedThreadId = Environment.CurrentManagedThreadId;
        public string ThreadName = "";

        /// <summary>The current thread's recorder, attached to <paramref name="session"/>, after closing the interval up to now.</summary>
        /// <summary>
        /// The current thread's recorder for <paramref name="session"/>, after closing the interval up to now; null
        /// when the thread already holds <see cref="MaxSessionsPerThread"/> sessions with calls open (then nothing
        /// of this session is recorded on this thread, and the session says so in its error).
        /// </summary>
        public static ThreadRecorder? Begin(Session session, out long now)
        {
            var t = current;
            if (t == null || t.Session != session)
            {
                t = Find(session) ?? Attach(session);
                if (t != null) current = t;
            }
            now = Clock.Now();
            t?.Advance(now);
            return t;
        }

        /// <summary>The recorder a sync call's token names (see <see cref="Token"/>), if it is still this thread's.</summary>
        public static ThreadRecorder? FromToken(int token)
        {
            var slot = token >> 24;
            var slots = perThread?.Slots;
            return slots != null && (uint)slot < (uint)slots.Length ? slots[slot] : null;
        }

        /// <summary>A sync call's token: its recorder's slot and its depth there (never 0).</summary>
        public int Token(int depth) => (Slot << 24) | depth;

        public static int DepthOf(int token) => token & 0xFFFFFF;

        /// <summary>This thread's recorder whose top segment suspended, if any (the one used last, nearly always).</summary>
        public static ThreadRecorder? WithSuspendingTop()
        {
            var t = current;
            if (t != null && t.TopIsSuspending && t.Session.Recording) return t;
            var shared = perThread;
            if (shared == null || shared.Attached <= 1) return null;
            foreach (var r in shared.Slots)
                if (r != null && r.TopIsSuspending && r.Session.Recording) return r;
            return null;
        }

        /// <summary>Closes the interval up to now on this (already attached) recorder and returns now.</summary>
        public long Event()
        {
            var now = Clock.Now();
            Advance(now);
            return now;
        }

        /// <summary>The current thread's recorder if it records into <paramref name="session"/>, else null.</summary>
        public static ThreadRecorder? Existing(Session session)
        {
            var t = current;
            return t != null && t.Session == session ? t : Find(session);
        }

        static ThreadRecorder? Find(Session session)
        {
            var slots = perThread?.Slots;
            if (slots == null) return null;
            foreach (var r in slots)
                if (r != null && r.Session == session) return r;
            return null;
        }

        /// <summary>
        /// Gives the thread a recorder for <paramref name="session"/>: a free slot, else one whose session stopped,
        /// else one with no frame open (its CPU window settled first). A recorder with open frames is never taken
        /// over: with none to spare, the new session records nothing on this thread (null).
        /// </summary>
        static ThreadRecorder? Attach(Session session)
        {
            var before = Allocations.CurrentThread();
            var shared = perThread ??= new PerThread();
            var slot = -1;
            for (var i = 0; i < shared.Slots.Length && slot < 0; i++)
                if (shared.Slots[i] == null || !shared.Slots[i]!.Session.Recording) slot = i;
            for (var i = 0; i < shared.Slots.Length && slot < 0; i++)
                if (shared.Slots[i]!.Depth == 0)
                {
                    var idle = shared.Slots[i]!;
                    idle.CloseWindow(idle.Event());
                    slot = i;
                }
            if (slot < 0)
            {
                session.Error ??= "a thread ran more than " + MaxSessionsPerThread + " recording sessions with calls open at once: some calls were not recorded";
                return null;
            }
            if (shared.Slots[slot] == null) shared.Attached++;
            var t = shared.Slots[slot] ??= new ThreadRecorder { shared = shared, Slot = slot };
            t.Reset(session);
            session.AddThread(t);
            t.ExcludeAllocationsSince(before);
            t.lastAlloc = Allocations.CurrentThread() - shared.AllocSkew;
            return t;
        }

        void Reset(Session session)
        {
            FlushCounts(); // the previous session's, if any were left
            Session = session;
            Array.Clear(frames, 0, Depth);
            Depth = 0;
            awaitingTop = false;
            Array.Clear(window, 0, windowCount);
            windowCount = 0;
            windowProfiledTicks = 0;
            finalIntervalTicks = 0;
            finalIntervalNode = null;
            lastTicks = windowStartTicks = Clock.Now();
            windowStartCpuNs = ThreadCpuClock.NowNs();
            windowStartGcNs = GcPauses.TotalNs();
            ManagedThreadId = Environment.CurrentManagedThreadId;
            var thread = Thread.CurrentThread;
            ThreadName = thread.Name ?? (thread.IsThreadPoolThread ? ".NET ThreadPool Worker" : ManagedThreadId == 1 ? "Main" : "Thread " + ManagedThreadId);
        }

        /// <summary>Hides what the profiler allocated on this thread since <paramref name="before"/> from user figures.</summary>
        public void ExcludeAllocationsSince(long before) => shared.AllocSkew += Allocations.CurrentThread() - before;

        /// <summary>
        /// Charges the interval since the previous event to the frame on top: its allocations at once, its wall time
        /// to the CPU window. Closes the window when it is old enough, or when this interval alone was long (it may
        /// have blocked: it then gets a clock reading of its own instead of sharing a rate with busy neighbours).
        /// </summary>
        void Advance(long now)
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
                windowProfiledTicks += ticks;
                var n = windowCount;
                if (n > 0 && window[n - 1].Node == node) window[n - 1].Ticks += ticks;
                else
                {
                    if (n == window.Length) GrowWindow();
                    window[n].Node = node;
                    window[n].Ticks = ticks;
                    windowCount = n + 1;
                }
            }
            finalIntervalTicks = ticks;
            finalIntervalNode = node;
            if (ticks >= Session.LongIntervalTicks || now - windowStartTicks >= Session.CpuWindowTicks || windowCount >= MaxWindowEntries)
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
            lastAlloc = Allocations.CurrentThread() - shared.AllocSkew;
        }

        void GrowWindow()
        {
            var before = Allocations.CurrentThread();
            var grown = new WindowEntry[window.Length * 2];
            Array.Copy(window, grown, window.Length);
            window = grown;
            ExcludeAllocationsSince(before);
        }

        /// <summary>
        /// Reads the thread CPU clock and splits the window's CPU time. Every interval but the last is shorter than
        /// the long-interval threshold (a long one closes the window), so those are taken as running code: they get
        /// CPU at up to one ns per ns, in proportion to their wall time; the last interval, which may have blocked or
        /// idled, gets the rest. Without a CPU clock, running wall time stands for CPU time.
        /// GC pauses that ended in the window (at most its wall) are shared over its intervals like wall time, each
        /// share taken out of the interval's off-CPU time first (a thread stopped by another's GC was off CPU), the
        /// rest out of its CPU (a thread that ran the collection itself was on CPU): docs/profile-schema.md#gc-pauses.
        /// </summary>
        public void CloseWindow(long now)
        {
            FlushCounts();
            var clock = ThreadCpuClock.Available;
            var cpuNow = clock ? ThreadCpuClock.NowNs() : 0;
            var windowNs = (now - windowStartTicks) * Clock.TicksToNs;
            var finalNs = Math.Min(finalIntervalTicks * Clock.TicksToNs, windowNs);
            var prefixNs = windowNs - finalNs;
            var cpuNs = clock ? Math.Max(0, cpuNow - windowStartCpuNs) : windowNs;
            var prefixCpu = Math.Min(cpuNs, prefixNs);
            var prefixRate = !clock ? 1 : prefixNs > 0 ? prefixCpu / prefixNs : 0;
            var finalRate = !clock ? 1 : finalNs > 0 ? (cpuNs - prefixCpu) / finalNs : 0;
            var gcNow = GcPauses.TotalNs();
            var gcRate = windowNs > 0 ? Math.Min(windowNs, Math.Max(0, gcNow - windowStartGcNs)) / windowNs : 0;
            var last = windowCount - 1;
            for (var i = 0; i <= last; i++)
            {
                ref var e = ref window[i];
                var ns = e.Ticks * Clock.TicksToNs;
                double cpu;
                if (i == last && e.Node == finalIntervalNode)
                {
                    var final = Math.Min(finalNs, ns);
                    cpu = (ns - final) * prefixRate + final * finalRate;
                }
                else cpu = ns * prefixRate;
                if (gcRate > 0)
                {
                    var gc = ns * gcRate;
                    cpu -= Math.Min(cpu, gc - Math.Min(gc, Math.Max(0, ns - cpu))); // off CPU first, then CPU
                    if (gc >= 1) Interlocked.Add(ref e.Node.SelfGcNs, (long)gc);
                }
                if (cpu >= 1) Interlocked.Add(ref e.Node.SelfCpuNs, (long)cpu);
                e.Node = null!;
            }
            windowCount = 0;
            windowProfiledTicks = 0;
            finalIntervalTicks = 0;
            finalIntervalNode = null;
            windowStartTicks = now;
            windowStartCpuNs = cpuNow;
            windowStartGcNs = gcNow;
        }

        /// <summary>
        /// The thread's last profiled frame is gone (the thread may now idle, or never record again): settle the
        /// window if it holds enough profiled time to matter, so at most one long interval's worth stays unsettled.
        /// </summary>
        void SettleIfIdle(long now)
        {
            if (Depth != 0) return;
            if (windowProfiledTicks >= Session.LongIntervalTicks) CloseWindow(now);
            else FlushCounts();
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
            frames[Depth].StartCpuNs = windowStartCpuNs;
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
            if (endsHandle && f.Handle != null)
            {
                f.Handle.SettleCallees(now);
                f.Handle.End(now);
            }
            AddToTimeline(ref f, node, now, faulted ? Timeline.SegmentEnd.Fault : Timeline.SegmentEnd.Exit);
            ref var counts = ref Pending(node);
            counts.Calls++;
            counts.WallTicks += now - f.StartTicks;
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
        public long Suspend(CallNode node)
        {
            for (var i = Depth - 1; i >= 0; i--)
            {
                if (frames[i].Node != node || !frames[i].IsSegment || frames[i].Suspending) continue;
                if (frames[i].EndsAtReturn)
                {
                    frames[i].Suspending = true;
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
            f.Handle?.MarkSuspended(now); // wall split: the segment's end, for the thread that resumes the call
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
            timeline.Add(f.CallId, f.ParentCallId, node, ManagedThreadId, f.StartTicks, now, windowStartCpuNs - f.StartCpuNs, end);
            ExcludeAllocationsSince(before);
        }
    }
}
