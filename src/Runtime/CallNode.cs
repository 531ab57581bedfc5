using System.Threading;

namespace AsyncProf
{
    /// <summary>
    /// A node of the calling-context tree: one function reached by one logical call path. Children are a lock-free
    /// singly linked list (readers never lock; insertion locks the parent, which happens once per new path).
    /// Counters are updated with Interlocked because an async call may complete on any thread.
    /// </summary>
    internal sealed class CallNode
    {
        public readonly int FunctionId;
        public readonly CallNode? Parent;
        public readonly Session Session;
        public int SessionId => Session.Id;
        CallNode? firstChild;
        CallNode? nextSibling;

        public long Started, Calls, Faults, Suspends, WallTicks, SelfCpuNs, SelfAllocBytes;
        /// <summary>Completed calls that outlived their caller's call (detached), and task-returning calls whose task could not be observed (ended at return).</summary>
        public long Detached, Unobserved;
        /// <summary>Completed calls' time suspended, awaiting on no thread (see SuspendedTime).</summary>
        public long SuspendedTicks;
        /// <summary>Of SuspendedTicks, the time completed calls' continuations waited for a thread (see SuspendedTime).</summary>
        public long QueuedTicks;
        /// <summary>GC pause time while this node's own code was on top (see CpuWindow.Apportion), taken out of its off-CPU time first, then its CPU.</summary>
        public long SelfGcNs;
        /// <summary>Critical path: how often a call of this node was the last callee its caller's resumption waited for, and that suspension's ticks.</summary>
        public long CriticalCount, CriticalTicks;
        /// <summary>Reached as queued work (Task.Run, the thread pool, a new thread) under its logical caller, whose thread it did not run on.</summary>
        public bool Queued;

        /// <summary>This node's slot in a thread's per-node tables: its sync-call counters (SyncCallCounts), its CPU-window entry (CpuWindow).</summary>
        public readonly int ThreadSlot = (int)((uint)Interlocked.Increment(ref created) % SyncCallCounts.Slots);
        static int created;

        public CallNode(int functionId, CallNode? parent, Session session)
        {
            FunctionId = functionId;
            Parent = parent;
            Session = session;
        }

        public CallNode? FirstChild => Volatile.Read(ref firstChild);
        public CallNode? NextSibling => nextSibling;

        /// <summary>The child for <paramref name="functionId"/>, created on first use (the only allocation in recording).</summary>
        public CallNode Child(int functionId, ThreadRecorder thread)
        {
            for (var c = Volatile.Read(ref firstChild); c != null; c = c.nextSibling)
                if (c.FunctionId == functionId) return c;
            return AddChild(functionId, thread);
        }

        CallNode AddChild(int functionId, ThreadRecorder thread)
        {
            lock (this)
            {
                for (var c = firstChild; c != null; c = c.nextSibling)
                    if (c.FunctionId == functionId) return c;
                var before = Allocations.CurrentThread();
                var node = new CallNode(functionId, this, Session) { nextSibling = firstChild };
                Volatile.Write(ref firstChild, node);
                thread.ExcludeAllocationsSince(before);
                return node;
            }
        }
    }
}
