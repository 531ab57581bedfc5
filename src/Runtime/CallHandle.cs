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
        int ended;

        public CallHandle(CallNode node, long callId)
        {
            Node = node;
            CallId = callId;
        }

        public bool Ended => Volatile.Read(ref ended) != 0;

        public void End() => Volatile.Write(ref ended, 1);

        /// <summary>True when a callee completing now outlived the call behind <paramref name="parent"/>.</summary>
        public static bool Outlived(CallHandle? parent) => parent != null && parent.Ended;
    }
}
