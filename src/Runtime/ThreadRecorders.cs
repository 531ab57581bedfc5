using System;

namespace AsyncProf
{
    /// <summary>
    /// The current thread's recorders, one per session it records into (the whole-process one and the scopes whose
    /// flows run on it), in slots a sync call's token names; and the profiler's own allocations on the thread, which
    /// they all hide from user figures. Only its own thread touches it, so nothing here locks.
    /// </summary>
    internal sealed class ThreadRecorders
    {
        /// <summary>Sessions a thread records into at once: the whole-process one and the scopes whose flows run on it.</summary>
        public const int MaxSessionsPerThread = 8;

        [ThreadStatic] static ThreadRecorder? current; // the one used last: nearly every event hits it
        [ThreadStatic] static ThreadRecorders? perThread;

        /// <summary>Bytes the profiler allocated on this thread (see <see cref="ThreadRecorder.ExcludeAllocationsSince"/>).</summary>
        public long AllocSkew;
        readonly ThreadRecorder?[] slots = new ThreadRecorder?[MaxSessionsPerThread];
        int attached; // slots in use: with one, MoveNextReturn needs no scan

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
            var slots = perThread?.slots;
            return slots != null && (uint)slot < (uint)slots.Length ? slots[slot] : null;
        }

        /// <summary>A sync call's token: its recorder's slot and its depth there (never 0).</summary>
        public static int Token(ThreadRecorder t, int depth) => (t.Slot << 24) | depth;

        public static int DepthOf(int token) => token & 0xFFFFFF;

        /// <summary>This thread's recorder whose top segment suspended, if any (the one used last, nearly always).</summary>
        public static ThreadRecorder? WithSuspendingTop()
        {
            var t = current;
            if (t != null && t.TopIsSuspending && t.Session.Recording) return t;
            var shared = perThread;
            if (shared == null || shared.attached <= 1) return null;
            foreach (var r in shared.slots)
                if (r != null && r.TopIsSuspending && r.Session.Recording) return r;
            return null;
        }

        /// <summary>The current thread's recorder if it records into <paramref name="session"/>, else null.</summary>
        public static ThreadRecorder? Existing(Session session)
        {
            var t = current;
            return t != null && t.Session == session ? t : Find(session);
        }

        static ThreadRecorder? Find(Session session)
        {
            var slots = perThread?.slots;
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
            var shared = perThread ??= new ThreadRecorders();
            var slots = shared.slots;
            var slot = -1;
            for (var i = 0; i < slots.Length && slot < 0; i++)
                if (slots[i] == null || !slots[i]!.Session.Recording) slot = i;
            for (var i = 0; i < slots.Length && slot < 0; i++)
                if (slots[i]!.Depth == 0)
                {
                    var idle = slots[i]!;
                    idle.CloseWindow(idle.Event());
                    slot = i;
                }
            if (slot < 0)
            {
                session.Error ??= "a thread ran more than " + MaxSessionsPerThread + " recording sessions with calls open at once: some calls were not recorded";
                return null;
            }
            if (slots[slot] == null) shared.attached++;
            var t = slots[slot] ??= new ThreadRecorder(shared, slot);
            t.Reset(session);
            session.AddThread(t);
            t.ExcludeAllocationsSince(before);
            t.CountAllocationsFromNow();
            return t;
        }
    }
}
