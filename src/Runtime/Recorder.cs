using System;
using System.Threading;

namespace AsyncProf
{
    /// <summary>
    /// The recording logic behind <see cref="Probe"/>: each event, into the session <see cref="Sessions"/> resolves
    /// for it. Every entry point tolerates any order of events and never throws into user code: an internal failure
    /// stops the session and is reported in the profile.
    /// </summary>
    internal static class Recorder
    {
        /// <summary>
        /// The logical caller for work that starts on a thread with no profiled frame (Task.Run, thread pool, new
        /// Thread): set when an async call starts, so it flows into everything its body queues. Async methods run
        /// their first MoveNext inside the builder's Start, which restores the caller's context afterwards, so the
        /// value never leaks back to the caller. Sync methods do not set it: that would cost an execution-context
        /// allocation per call.
        /// </summary>
        static readonly AsyncLocal<CallHandle?> LogicalCaller = new AsyncLocal<CallHandle?>();

        public static int RegisterModule(string table, string module) => Unprofiled(() => FunctionTable.Register(table, module));

        /// <summary>
        /// Runs the profiler's own work (registering a module, writing a profile) on a thread that may be inside
        /// profiled code: the time and allocations it takes are charged to nobody.
        /// </summary>
        public static T Unprofiled<T>(Func<T> work)
        {
            var s = Sessions.Resolve();
            var t = s == null ? null : ThreadRecorders.Existing(s);
            t?.Event();
            var before = Allocations.CurrentThread();
            try { return work(); }
            finally { t?.SkipInterval(before); }
        }

        public static int Enter(int functionId)
        {
            var s = Sessions.Resolve();
            return s == null ? 0 : EnterInto(s, functionId);
        }

        /// <summary>Entry of an ordinary call recorded into <paramref name="s"/> (the probe-cost calibration names its own session).</summary>
        public static int EnterInto(Session s, int functionId)
        {
            try
            {
                var t = ThreadRecorders.Begin(s, out var now);
                if (t == null) return 0; // this thread has no room for another session's frames
                var node = Callee(s, t, functionId, out var parentCallId, out var parentHandle);
                t.CountStart(node);
                var callId = s.Timeline != null ? s.Timeline.NewCallId() : 0;
                var depth = t.Push(node, now, isSegment: false, callId, parentCallId, parentHandle: parentHandle);
                if (--t.Tails.Countdown == 0) t.Tails.EnterEnded(now); // the probe's cost in place (ProbeTailSampler)
                return ThreadRecorders.Token(t, depth);
            }
            catch (Exception e) { Fail(e, s); return 0; }
        }

        /// <summary>A task-returning method returns <paramref name="task"/>: the call ends now if it is complete, else when it completes.</summary>
        public static void ExitTask(System.Threading.Tasks.Task? task, int token)
        {
            if (task == null || task.IsCompleted)
            {
                Exit(token, task != null && (task.IsFaulted || task.IsCanceled));
                return;
            }
            var t = ThreadRecorders.FromToken(token);
            if (t == null || !t.Session.Recording) return;
            try
            {
                var pending = t.SuspendCall(ThreadRecorders.DepthOf(token), t.Event(), task);
                if (pending == null) return;
                var before = Allocations.CurrentThread();
                pending.WaitFor();
                t.ExcludeAllocationsSince(before);
            }
            catch (Exception e) { Fail(e, t.Session); }
        }

        /// <summary>
        /// A method returns an awaitable that is not a Task: complete, the call ends now; over a running Task, it
        /// ends when that completes; otherwise (an IValueTaskSource, an awaitable with no IsCompleted) it ends now
        /// and is counted as unobserved, never guessed.
        /// </summary>
        public static void ExitAwaitable<T>(ref T awaitable, int token)
        {
            var t = ThreadRecorders.FromToken(token);
            if (t == null || !t.Session.Recording) return;
            try
            {
                // the awaitable's own IsCompleted is user code: whatever it throws stays here, and the call still ends
                var isCompleted = AwaitableShape<T>.IsCompleted;
                if (isCompleted != null && isCompleted(ref awaitable))
                {
                    var succeeded = AwaitableShape<T>.IsCompletedSuccessfully;
                    Exit(token, faulted: succeeded != null && !succeeded(ref awaitable));
                    return;
                }
                var task = isCompleted != null ? AwaitableShape<T>.WrappedTask(ref awaitable) : null;
                if (task != null)
                {
                    ExitTask(task, token);
                    return;
                }
            }
            catch (Exception) { } // not observable after all: ends below like any unobserved call
            try
            {
                // A woven async callee still running (a pooled ValueTask core) knows when it completes: the call ends
                // with it. Otherwise it ends now, counted as unobserved.
                var depth = ThreadRecorders.DepthOf(token);
                var handle = t.HandleAt(depth);
                if (handle != null && handle.HasOpenCallees)
                {
                    var pending = t.SuspendCall(depth, t.Event());
                    if (pending != null && handle.EndWithCallees(pending)) return;
                    if (pending != null) { pending.Complete(faulted: false); return; }
                }
                var node = t.NodeAt(depth);
                t.PopCall(depth, t.Event(), faulted: false);
                if (node != null) Interlocked.Increment(ref node.Unobserved);
            }
            catch (Exception e) { Fail(e, t.Session); }
        }

        public static void Exit(int token, bool faulted)
        {
            // the token names the recorder the call entered on: the flow's session may have changed since
            var t = ThreadRecorders.FromToken(token);
            if (t == null || !t.Session.Recording) return;
            try
            {
                var now = t.Event();
                t.PopCall(ThreadRecorders.DepthOf(token), now, faulted);
                if (--t.Tails.Countdown == 0) t.Tails.ExitEnded(now);
            }
            catch (Exception e) { Fail(e, t.Session); }
        }

        // endsAtReturn: the segment stays on top after a suspension until a MoveNextReturn probe (async state
        // machines; default: flowsContext); false ends it at the suspension (sync iterators, runtime-async methods).
        // endsAtNextEvent: a runtime-async segment, which stays on top after a suspension until the thread's next event.
        public static void MoveNext(ref AsyncCall call, int functionId, bool flowsContext, bool? endsAtReturn = null, bool endsAtNextEvent = false)
        {
            var node = call.Node as CallNode;
            // A null node is a call not started, whatever Phase says (a SkipLocalsInit stub may leave garbage there).
            // A started call records only where it started: when that session has stopped, nothing more is recorded.
            var resumes = node != null && call.Phase != AsyncCall.NotStarted;
            if (resumes && (call.Phase == AsyncCall.Done || !node!.Session.Recording)) return;
            var s = resumes ? node!.Session : Sessions.Resolve();
            if (s == null) return;
            try
            {
                var t = ThreadRecorders.Begin(s, out var now);
                if (t == null) return; // no room on this thread: the call is not recorded
                if (!resumes)
                {
                    node = Callee(s, t, functionId, out var parentCallId, out var parentHandle);
                    Interlocked.Increment(ref node.Started);
                    call.Node = node;
                    call.StartTimestamp = now;
                    call.Suspends = 0;
                    call.CallId = s.Timeline != null ? s.Timeline.NewCallId() : 0;
                    call.ParentCallId = parentCallId;
                    call.ParentHandle = parentHandle;
                    // a sync caller gets a handle only if this call outlives its first segment (see Suspend)
                    call.ParentOnStack = parentHandle == null && t.Depth > 0;
                    call.Handle = null;
                    call.SuspendedTicks = call.SuspendedAt = 0; // wall split
                    call.ResumeQueued = false;
                    if (flowsContext)
                    {
                        // the handle and the execution context that flows it: the profiler's bytes, read around both at once
                        var before = Allocations.CurrentThread();
                        var handle = call.Handle = new CallHandle(node, call.CallId);
                        LogicalCaller.Value = handle;
                        t.ExcludeAllocationsSince(before);
                    }
                }
                else if (call.Handle != null && call.Handle.HasPendingCallees)
                    call.Handle.SettleCallees(now); // a callee's task completed before this resumption: it ended by now
                if (resumes) SuspendedTime.Resumed(ref call, now);
                call.Phase = AsyncCall.Running;
                var running = node!; // resuming implies a node; a new call got one above
                t.Push(running, now, isSegment: true, call.CallId, call.ParentCallId, endsAtReturn: endsAtReturn ?? flowsContext,
                    handle: call.Handle, parentHandle: call.ParentHandle, endsAtNextEvent: endsAtNextEvent);
                if (resumes && call.Handle != null) FlowToQueuedWork(t, call.Handle);
            }
            catch (Exception e) { Fail(e, s); }
        }

        /// <summary>
        /// The call suspends (recorded before the Await call: its continuation may run at once on another thread).
        /// Its segment ends when its MoveNext returns (<see cref="MoveNextReturn"/>), so no clock is read here.
        /// </summary>
        public static void Suspend(ref AsyncCall call, bool queuedResume = false)
        {
            call.Phase = AsyncCall.Suspended;
            call.Suspends++;
            call.ResumeQueued = queuedResume; // written before the await: the state machine's copy into its box carries it
            if (!(call.Node is CallNode node) || !node.Session.Recording) return;
            try
            {
                var t = ThreadRecorders.Existing(node.Session);
                if (t == null) return;
                t.EndAwaitingSegment(); // a runtime-async callee that suspended before this caller's suspension
                if (call.ParentOnStack)
                {
                    call.ParentOnStack = false; // once: the caller's frame is right below the first segment only
                    call.ParentHandle = t.CallerHandleOf(node);
                    call.HeldByParent = call.ParentHandle != null;
                    call.ParentHandle?.CalleeStarted();
                }
                var segmentEnd = t.Suspend(node, call.Suspends);
                if (segmentEnd != 0) SuspendedTime.SegmentSuspended(ref call, segmentEnd);
            }
            catch (Exception e) { Fail(e, node.Session); }
        }

        public static void MoveNextReturn()
        {
            var t = ThreadRecorders.WithSuspendingTop();
            if (t == null) return;
            try { t.PopSuspended(t.Event()); }
            catch (Exception e) { Fail(e, t.Session); }
        }

        public static void Complete(ref AsyncCall call, bool faulted)
        {
            call.Phase = AsyncCall.Done;
            if (!(call.Node is CallNode node) || !node.Session.Recording)
            {
                call.Handle?.SettleAndEnd(Clock.Now());
                ReleaseParent(ref call);
                return;
            }
            try
            {
                var t = ThreadRecorders.Begin(node.Session, out var now);
                // the call ends at this one clock reading (or when a task-returning callee it settles ended, if later)
                if (call.Handle != null) now = call.Handle.SettleAndEnd(now);
                t?.PopSegment(node, now, faulted ? Timeline.SegmentEnd.Fault : Timeline.SegmentEnd.Complete);
                Record(node, now - call.StartTimestamp, call.Suspends, faulted, CallHandle.Outlived(call.ParentHandle));
                SuspendedTime.Completed(node, ref call);
            }
            catch (Exception e)
            {
                if (call.Handle != null && !call.Handle.Ended) call.Handle.End(Clock.Now());
                Fail(e, node.Session);
            }
            ReleaseParent(ref call); // after this call's own end: a caller waiting for it ends after it
        }

        static void ReleaseParent(ref AsyncCall call)
        {
            if (!call.HeldByParent) return;
            call.HeldByParent = false;
            call.ParentHandle!.CalleeEnded();
        }

        /// <summary>An iterator disposed while suspended at a yield: the enumeration ends here.</summary>
        public static void CompleteSuspended(ref AsyncCall call)
        {
            call.Phase = AsyncCall.Done;
            if (!(call.Node is CallNode node) || !node.Session.Recording) return;
            try
            {
                var now = Clock.Now();
                SuspendedTime.Resumed(ref call, now); // suspended until now
                Record(node, now - call.StartTimestamp, call.Suspends, faulted: false, CallHandle.Outlived(call.ParentHandle));
                SuspendedTime.Completed(node, ref call);
            }
            catch (Exception e) { Fail(e, node.Session); }
        }

        internal static void Record(CallNode node, long wallTicks, int suspends, bool faulted, bool detached)
        {
            Interlocked.Increment(ref node.Calls);
            Interlocked.Add(ref node.WallTicks, wallTicks);
            if (suspends != 0) Interlocked.Add(ref node.Suspends, suspends);
            if (faulted) Interlocked.Increment(ref node.Faults);
            if (detached) Interlocked.Increment(ref node.Detached);
        }

        /// <summary>
        /// The node of a call of <paramref name="functionId"/> starting now: under the innermost profiled frame on this
        /// thread, else under the logical caller flowed to it (then marked as queued work), else under the root; with
        /// the caller's handle where it has one (an async caller, the logical caller).
        /// </summary>
        static CallNode Callee(Session s, ThreadRecorder t, int functionId, out long parentCallId, out CallHandle? parentHandle)
        {
            var top = t.Top;
            if (top != null)
            {
                parentCallId = t.TopCallId;
                parentHandle = t.TopHandle;
                return top.Child(functionId, t);
            }
            var logical = LogicalCaller.Value;
            if (logical != null && logical.Node.Session == s)
            {
                parentCallId = logical.CallId;
                parentHandle = logical;
                var queued = logical.Node.Child(functionId, t);
                if (!queued.Queued) queued.Queued = true; // its CPU is not its caller's thread's (the wall split)
                return queued;
            }
            parentCallId = 0;
            parentHandle = null;
            return s.Root.Child(functionId, t);
        }

        /// <summary>Makes this async call the logical caller of whatever its body queues (see <see cref="LogicalCaller"/>).</summary>
        static void FlowToQueuedWork(ThreadRecorder t, CallHandle call)
        {
            if (LogicalCaller.Value == call) return; // a resumption: the context captured at the await already carries it
            var before = Allocations.CurrentThread();
            LogicalCaller.Value = call;
            t.ExcludeAllocationsSince(before);
        }

        internal static void Fail(Exception e, Session? s)
        {
            if (s == null || !s.Recording) return;
            s.Error = e.GetType().Name + ": " + e.Message;
            Sessions.Stop(s);
        }
    }
}
