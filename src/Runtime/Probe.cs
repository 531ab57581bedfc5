using System.Runtime.CompilerServices;

namespace AsyncProf
{
    /// <summary>
    /// The only API woven code calls. Keep it small and stable: the weaver emits calls to exactly these members.
    /// Fast path when no session is active: woven code reads <see cref="Active"/> once at entry and skips the rest;
    /// the exit-side probes test a field woven code owns (a token or <see cref="AsyncCall"/>) and return.
    /// Nothing here allocates, locks or throws on the fast path.
    /// </summary>
    public static class Probe
    {
        /// <summary>True while any profiling session records. Woven code reads it with a single ldsfld.</summary>
        /// <remarks>
        /// Initialized by a field initializer, not a static constructor, so the type stays beforefieldinit and the
        /// JIT needs no class-initialization check in woven code. The initializer starts the ASYNCPROF_OUTPUT
        /// session, which sets this field itself; the initializer's own value is then what it found.
        /// </remarks>
        public static bool Active = Sessions.Bootstrap();

        /// <summary>Called once per woven module (from its method table's type initializer) to get its id base.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)] // GetCallingAssembly must see the woven module
        public static int RegisterModule(string methodTable) =>
            Recorder.RegisterModule(methodTable, System.Reflection.Assembly.GetCallingAssembly().GetName().Name ?? "");

        // ---- ordinary methods: token = Active ? Enter(id) : 0; try { body } fault { ExitFault(token) }; Exit(token)

        /// <summary>Entry of an ordinary method. Returns a token for <see cref="Exit"/>; 0 when nothing was recorded.</summary>
        public static int Enter(int methodId) => Recorder.Enter(methodId);

        /// <summary>Normal return of an ordinary method.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Exit(int token) { if (token != 0) Recorder.Exit(token, faulted: false); }

        /// <summary>Exit of an ordinary method by exception (from a fault handler).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void ExitFault(int token) { if (token != 0) Recorder.Exit(token, faulted: true); }

        // ---- task-returning methods (not compiled async): woven as ordinary methods whose normal exit hands the
        //      returned awaitable to one of these instead of Exit. A complete one ends the call at once; a running one
        //      keeps the call open, suspended, until it completes.

        /// <summary>Normal return of a method returning a Task or Task&lt;T&gt;.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void ExitTask(System.Threading.Tasks.Task? task, int token) { if (token != 0) Recorder.ExitTask(task, token); }

        /// <summary>Normal return of a method returning another awaitable (ValueTask, ValueTask&lt;T&gt;, custom ones).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void ExitAwaitable<TAwaitable>(TAwaitable awaitable, int token) { if (token != 0) Recorder.ExitAwaitable(ref awaitable, token); }

        // ---- async state machines (async methods and async iterators): the call state lives in a field woven into the state machine

        /// <summary>Start of every MoveNext of an async method or async iterator: the first one starts the call, later ones resume it.</summary>
        public static void AsyncMoveNext(ref AsyncCall call, int methodId) => Recorder.MoveNext(ref call, methodId, flowsContext: true);

        /// <summary>Start of every MoveNext of a sync iterator.</summary>
        public static void IteratorMoveNext(ref AsyncCall call, int methodId) => Recorder.MoveNext(ref call, methodId, flowsContext: false);

        /// <summary>Before the builder's AwaitOnCompleted/AwaitUnsafeOnCompleted: the call suspends, it does not exit.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Suspend(ref AsyncCall call) { if (call.Phase == AsyncCall.Running) Recorder.Suspend(ref call); }

        /// <summary>
        /// Suspend at an await whose continuation is queued at once (<c>await Task.Yield()</c>): the whole suspension
        /// is time the continuation waited for a thread (queuedNs).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void SuspendQueued(ref AsyncCall call) { if (call.Phase == AsyncCall.Running) Recorder.Suspend(ref call, queuedResume: true); }

        /// <summary>
        /// Before every return of a woven async MoveNext (async methods and async iterators): a segment that
        /// suspended ends here, after the builder's AwaitUnsafeOnCompleted, whose cost is the suspending call's.
        /// Touches no state machine field (after an await the state machine may already run on another thread).
        /// </summary>
        public static void MoveNextReturn() => Recorder.MoveNextReturn();

        /// <summary>Before the builder's SetResult: the call completes (recorded before the caller's continuation can run inline).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Complete(ref AsyncCall call) { if (call.Phase == AsyncCall.Running) Recorder.Complete(ref call, faulted: false); }

        /// <summary>Before the builder's SetException (or an iterator's fault): the call completes as faulted.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Fault(ref AsyncCall call) { if (call.Phase == AsyncCall.Running) Recorder.Complete(ref call, faulted: true); }

        /// <summary>
        /// An iterator hands out an item (<paramref name="hasMore"/> true: a suspension) or ends (false: completion).
        /// Sync iterators: at MoveNext's return with its result; async iterators: before the promise's SetResult(bool).
        /// The bool comes first so woven code can <c>dup</c> the value already on the stack.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Yield(bool hasMore, ref AsyncCall call)
        {
            if (call.Phase != AsyncCall.Running) return;
            if (hasMore) Recorder.Suspend(ref call); else Recorder.Complete(ref call, faulted: false);
        }

        /// <summary>
        /// GetEnumerator/GetAsyncEnumerator hands out this iterator object (woven before its return, on the returned
        /// object). The compiler reuses a finished, disposed iterator for a new enumeration: that is a new call.
        /// An object handed out is always fresh or finished, never mid-enumeration.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Restart(ref AsyncCall call) { if (call.Phase == AsyncCall.Done) call.Phase = AsyncCall.NotStarted; }

        /// <summary>An iterator is disposed: an enumeration abandoned before its end completes here.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Dispose(ref AsyncCall call) { if (call.Phase == AsyncCall.Suspended) Recorder.CompleteSuspended(ref call); }

        // ==== runtime-async methods (.NET 11, MethodImplAttributes.Async 0x2000; issue 12) ====================
        // No state machine: the woven method keeps its AsyncCall in a local (the runtime saves the frame's locals
        // across a suspension). Entry: RuntimeAsyncStart; before each AsyncHelpers.Await*: RuntimeAsyncAwait (or
        // Suspend for AwaitAwaiter/UnsafeAwaitAwaiter, which the compiler calls only when IsCompleted was false);
        // after it: RuntimeAsyncResume; before each return: Complete; an exception leaving the body: Fault.
        // Each RuntimeAsyncAwait overload takes what AsyncHelpers.Await takes (woven code dups it), so the weaver
        // names the overload by copying the Await call's own signature.

        /// <summary>Entry of a runtime-async method: starts the call (after each real suspension its running segment stays on top until the thread's next event).</summary>
        public static void RuntimeAsyncStart(ref AsyncCall call, int methodId) =>
            Recorder.MoveNext(ref call, methodId, flowsContext: true, endsAtReturn: false, endsAtNextEvent: true);

        /// <summary>After an AsyncHelpers.Await* call: a call that suspended there resumes (maybe on another thread).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void RuntimeAsyncResume(ref AsyncCall call)
        {
            if (call.Phase == AsyncCall.Suspended) Recorder.MoveNext(ref call, 0, flowsContext: true, endsAtReturn: false, endsAtNextEvent: true);
        }

        /// <summary>Before <c>AsyncHelpers.Await(Task)</c>: an incomplete task suspends the frame inside the Await call.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void RuntimeAsyncAwait(System.Threading.Tasks.Task task, ref AsyncCall call)
        {
            if (call.Phase == AsyncCall.Running && !task.IsCompleted) Recorder.Suspend(ref call);
        }

        /// <summary>Before <c>AsyncHelpers.Await&lt;T&gt;(Task&lt;T&gt;)</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void RuntimeAsyncAwait<T>(System.Threading.Tasks.Task<T> task, ref AsyncCall call)
        {
            if (call.Phase == AsyncCall.Running && !task.IsCompleted) Recorder.Suspend(ref call);
        }

#if NETCOREAPP // runtime-async exists on .NET 10 and later only; netstandard2.0 has no ValueTask
        /// <summary>Before <c>AsyncHelpers.Await(ValueTask)</c> (reading IsCompleted does not consume the ValueTask).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void RuntimeAsyncAwait(System.Threading.Tasks.ValueTask task, ref AsyncCall call)
        {
            if (call.Phase == AsyncCall.Running && !task.IsCompleted) Recorder.Suspend(ref call);
        }

        /// <summary>Before <c>AsyncHelpers.Await&lt;T&gt;(ValueTask&lt;T&gt;)</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void RuntimeAsyncAwait<T>(System.Threading.Tasks.ValueTask<T> task, ref AsyncCall call)
        {
            if (call.Phase == AsyncCall.Running && !task.IsCompleted) Recorder.Suspend(ref call);
        }

#endif
        /// <summary>Before <c>AsyncHelpers.Await(ConfiguredTaskAwaitable)</c> (<c>ConfigureAwait(bool)</c> on a Task).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void RuntimeAsyncAwait(ConfiguredTaskAwaitable awaitable, ref AsyncCall call)
        {
            if (call.Phase == AsyncCall.Running && !awaitable.GetAwaiter().IsCompleted) Recorder.Suspend(ref call);
        }

        /// <summary>Before <c>AsyncHelpers.Await&lt;T&gt;(ConfiguredTaskAwaitable&lt;T&gt;)</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void RuntimeAsyncAwait<T>(ConfiguredTaskAwaitable<T> awaitable, ref AsyncCall call)
        {
            if (call.Phase == AsyncCall.Running && !awaitable.GetAwaiter().IsCompleted) Recorder.Suspend(ref call);
        }

#if NETCOREAPP
        /// <summary>Before <c>AsyncHelpers.Await(ConfiguredValueTaskAwaitable)</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void RuntimeAsyncAwait(ConfiguredValueTaskAwaitable awaitable, ref AsyncCall call)
        {
            if (call.Phase == AsyncCall.Running && !awaitable.GetAwaiter().IsCompleted) Recorder.Suspend(ref call);
        }

        /// <summary>Before <c>AsyncHelpers.Await&lt;T&gt;(ConfiguredValueTaskAwaitable&lt;T&gt;)</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void RuntimeAsyncAwait<T>(ConfiguredValueTaskAwaitable<T> awaitable, ref AsyncCall call)
        {
            if (call.Phase == AsyncCall.Running && !awaitable.GetAwaiter().IsCompleted) Recorder.Suspend(ref call);
        }
#endif
        // ==== end of runtime-async methods =========================================================================
    }

    /// <summary>
    /// Per-call state of an async method or iterator, stored in a field the weaver adds to its state machine.
    /// Opaque to woven code, which only passes it by reference. A Release-build struct state machine is copied into
    /// its heap box at the first real suspension; everything here is written before that copy, so it travels along.
    /// </summary>
    public struct AsyncCall
    {
        internal const int NotStarted = 0, Running = 1, Suspended = 2, Done = 3;
        internal int Phase;
        internal int Suspends;
        internal long StartTimestamp;
        internal object? Node; // the call's CallNode, which knows its session
        internal long CallId, ParentCallId; // timeline mode only
        internal CallHandle? Handle; // async calls: this call, as its callees and queued work see it
        internal CallHandle? ParentHandle; // the caller's, once known: completing after it ended makes this call detached
        internal bool ParentOnStack; // the caller is a sync frame below this call's first segment: ask it at the first suspension
        internal bool HeldByParent; // counted among the parent handle's open callees until it completes
        // the wall split (SuspendedTime): time suspended so far; a handle-less call's last segment end, or for a call
        // with a handle (which keeps its segment end there) the part of SuspendedTicks spent waiting for a thread
        internal long SuspendedTicks, SuspendedAt;
        internal bool ResumeQueued; // the current suspension queued its continuation at once (SuspendQueued)
    }
}
