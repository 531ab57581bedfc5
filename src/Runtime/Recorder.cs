using System;
using System.Diagnostics;
using System.Threading;

namespace AsyncProf
{
    /// <summary>
    /// The recording logic behind <see cref="Probe"/>. Every entry point tolerates any order of events and never
    /// throws into user code: an internal failure stops the session and is reported in the profile.
    /// </summary>
    internal static class Recorder
    {
        static volatile Session? current;

        /// <summary>
        /// The logical caller for work that starts on a thread with no profiled frame (Task.Run, thread pool, new
        /// Thread): set when an async call starts, so it flows into everything its body queues. Async methods run
        /// their first MoveNext inside the builder's Start, which restores the caller's context afterwards, so the
        /// value never leaks back to the caller. Sync methods do not set it: that would cost an execution-context
        /// allocation per call.
        /// </summary>
        static readonly AsyncLocal<object?> LogicalCaller = new AsyncLocal<object?>(); // CallNode, or LogicalFrame in timeline mode

        /// <summary>
        /// Scoped sessions (<see cref="Profiler.StartScope()"/>): the session of the execution-context flow that
        /// started one; work queued or awaited by that flow records into it, every other flow does not.
        /// </summary>
        static readonly AsyncLocal<ScopeLink?> Scope = new AsyncLocal<ScopeLink?>();
        static int activeScopes; // written under Transitions, read without it

        /// <summary>Starting and stopping sessions (cold paths) take this, so Probe.Active always matches what records.</summary>
        static readonly object Transitions = new object();

        /// <summary>The whole-process session, if one records.</summary>
        public static Session? Current => current;

        /// <summary>
        /// Where a call starting on this flow records: the flow's scope if one records, else the whole-process
        /// session. With no scope anywhere this is one static read; with scopes, one AsyncLocal read more.
        /// </summary>
        static Session? Resolve()
        {
            if (Volatile.Read(ref activeScopes) != 0)
                for (var link = Scope.Value; link != null; link = link.Parent) // a stopped inner scope gives way to its outer one
                {
                    var scoped = link.Session;
                    if (scoped != null && scoped.Recording) return scoped;
                }
            return current;
        }

        public static ScopeLink StartScope(long cpuWindowNs, Timeline? timeline)
        {
            System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(Probe).TypeHandle);
            var link = new ScopeLink(new Session(cpuWindowNs, timeline, isScope: true), Scope.Value);
            lock (Transitions)
            {
                Scope.Value = link;
                activeScopes++;
                UpdateActive();
            }
            return link;
        }

        public static void StopScope(ScopeLink link)
        {
            var session = link.Session;
            if (session == null) return;
            Stop(session);
            link.Session = null; // contexts captured during the scope (timers, cached tasks) no longer hold its profile
        }

        static void UpdateActive() => Probe.Active = current != null || activeScopes != 0;

        /// <summary>Runs once, from Probe's type initializer: starts the ASYNCPROF_OUTPUT session if asked. Returns Probe.Active.</summary>
        public static bool Bootstrap()
        {
            EnvironmentSession.StartIfRequested();
            return current != null;
        }

        public static int RegisterModule(string table, string module) => Unprofiled(() => FunctionTable.Register(table, module));

        /// <summary>
        /// Runs the profiler's own work (registering a module, writing a profile) on a thread that may be inside
        /// profiled code: the time and allocations it takes are charged to nobody.
        /// </summary>
        public static T Unprofiled<T>(Func<T> work)
        {
            var s = Resolve();
            var t = s == null ? null : ThreadRecorder.Existing(s);
            t?.Event();
            var before = Allocations.CurrentThread();
            try { return work(); }
            finally { t?.SkipInterval(before); }
        }

        public static Session Start(long cpuWindowNs, Timeline? timeline = null)
        {
            // Probe's type initializer may start the ASYNCPROF_OUTPUT session: let it run first, never after.
            System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(Probe).TypeHandle);
            var session = new Session(cpuWindowNs, timeline);
            lock (Transitions)
            {
                current = session;
                UpdateActive();
            }
            return session;
        }

        /// <summary>Stops a whole-process session or a scope's, once (a second stop, or a racing one, does nothing).</summary>
        public static void Stop(Session session)
        {
            lock (Transitions)
            {
                if (!session.Recording) return;
                session.Recording = false;
                session.StopTimestamp = Stopwatch.GetTimestamp();
                if (session.IsScope) activeScopes--;
                else if (current == session) current = null;
                UpdateActive();
            }
        }

        public static int Enter(int functionId)
        {
            var s = Resolve();
            if (s == null) return 0;
            try
            {
                var t = ThreadRecorder.Begin(s, out var now);
                if (t == null) return 0; // this thread has no room for another session's frames
                var node = Parent(s, t, out var parentCallId).Child(functionId, t);
                Interlocked.Increment(ref node.Started);
                var callId = s.Timeline != null ? s.Timeline.NewCallId() : 0;
                return t.Token(t.Push(node, now, isSegment: false, callId, parentCallId));
            }
            catch (Exception e) { Fail(e, s); return 0; }
        }

        public static void Exit(int token, bool faulted)
        {
            // the token names the recorder the call entered on: the flow's session may have changed since
            var t = ThreadRecorder.FromToken(token);
            if (t == null || !t.Session.Recording) return;
            try
            {
                t.PopCall(ThreadRecorder.DepthOf(token), t.Event(), faulted);
            }
            catch (Exception e) { Fail(e, t.Session); }
        }

        // endsAtReturn: the segment stays on top after a suspension until a MoveNextReturn probe (async state
        // machines; default: flowsContext); false ends it at the suspension (sync iterators, runtime-async methods).
        public static void MoveNext(ref AsyncCall call, int functionId, bool flowsContext, bool? endsAtReturn = null)
        {
            var node = call.Node as CallNode;
            // A null node is a call not started, whatever Phase says (a SkipLocalsInit stub may leave garbage there).
            // A started call records only where it started: when that session has stopped, nothing more is recorded.
            var resumes = node != null && call.Phase != AsyncCall.NotStarted;
            if (resumes && (call.Phase == AsyncCall.Done || !node!.Session.Recording)) return;
            var s = resumes ? node!.Session : Resolve();
            if (s == null) return;
            try
            {
                var t = ThreadRecorder.Begin(s, out var now);
                if (t == null) return; // no room on this thread: the call is not recorded
                if (!resumes)
                {
                    node = Parent(s, t, out var parentCallId).Child(functionId, t);
                    Interlocked.Increment(ref node.Started);
                    call.Node = node;
                    call.StartTimestamp = now;
                    call.Suspends = 0;
                    if (s.Timeline != null)
                    {
                        call.CallId = s.Timeline.NewCallId();
                        call.ParentCallId = parentCallId;
                    }
                }
                call.Phase = AsyncCall.Running;
                var running = node!; // resuming implies a node; a new call got one above
                t.Push(running, now, isSegment: true, call.CallId, call.ParentCallId, endsAtReturn: endsAtReturn ?? flowsContext);
                if (flowsContext) FlowToQueuedWork(s, t, running, call.CallId);
            }
            catch (Exception e) { Fail(e, s); }
        }

        /// <summary>
        /// The call suspends (recorded before the Await call: its continuation may run at once on another thread).
        /// Its segment ends when its MoveNext returns (<see cref="MoveNextReturn"/>), so no clock is read here.
        /// </summary>
        public static void Suspend(ref AsyncCall call)
        {
            call.Phase = AsyncCall.Suspended;
            call.Suspends++;
            if (!(call.Node is CallNode node) || !node.Session.Recording) return;
            try { ThreadRecorder.Existing(node.Session)?.Suspend(node); }
            catch (Exception e) { Fail(e, node.Session); }
        }

        public static void MoveNextReturn()
        {
            var t = ThreadRecorder.WithSuspendingTop();
            if (t == null) return;
            try { t.PopSuspended(t.Event()); }
            catch (Exception e) { Fail(e, t.Session); }
        }

        public static void Complete(ref AsyncCall call, bool faulted)
        {
            call.Phase = AsyncCall.Done;
            if (!(call.Node is CallNode node) || !node.Session.Recording) return;
            try
            {
                var t = ThreadRecorder.Begin(node.Session, out var now);
                t?.PopSegment(node, now, faulted ? Timeline.SegmentEnd.Fault : Timeline.SegmentEnd.Complete);
                Record(node, now - call.StartTimestamp, call.Suspends, faulted);
            }
            catch (Exception e) { Fail(e, node.Session); }
        }

        /// <summary>An iterator disposed while suspended at a yield: the enumeration ends here.</summary>
        public static void CompleteSuspended(ref AsyncCall call)
        {
            call.Phase = AsyncCall.Done;
            if (!(call.Node is CallNode node) || !node.Session.Recording) return;
            try { Record(node, Stopwatch.GetTimestamp() - call.StartTimestamp, call.Suspends, faulted: false); }
            catch (Exception e) { Fail(e, node.Session); }
        }

        static void Record(CallNode node, long wallTicks, int suspends, bool faulted)
        {
            Interlocked.Increment(ref node.Calls);
            Interlocked.Add(ref node.WallTicks, wallTicks);
            if (suspends != 0) Interlocked.Add(ref node.Suspends, suspends);
            if (faulted) Interlocked.Increment(ref node.Faults);
        }

        /// <summary>The innermost profiled frame on this thread, else the logical caller flowed to it, else the root.</summary>
        static CallNode Parent(Session s, ThreadRecorder t, out long parentCallId)
        {
            var top = t.Top;
            if (top != null)
            {
                parentCallId = t.TopCallId;
                return top;
            }
            parentCallId = 0;
            var logical = LogicalCaller.Value;
            if (logical is CallNode node) return node.Session == s ? node : s.Root;
            if (logical is LogicalFrame frame && frame.Node.Session == s)
            {
                parentCallId = frame.CallId;
                return frame.Node;
            }
            return s.Root;
        }

        /// <summary>Makes this async call the logical caller of whatever its body queues (see <see cref="LogicalCaller"/>).</summary>
        static void FlowToQueuedWork(Session s, ThreadRecorder t, CallNode node, long callId)
        {
            var value = LogicalCaller.Value;
            if (s.Timeline == null ? value == node : (value as LogicalFrame)?.CallId == callId) return;
            var before = Allocations.CurrentThread();
            LogicalCaller.Value = s.Timeline == null ? node : new LogicalFrame(node, callId);
            t.ExcludeAllocationsSince(before);
        }

        static void Fail(Exception e, Session? s)
        {
            if (s == null || !s.Recording) return;
            s.Error = e.GetType().Name + ": " + e.Message;
            Stop(s);
        }
    }
}
