using System.Threading;

namespace AsyncProf
{
    /// <summary>
    /// When queued work was queued, by its task's id (see <see cref="QueueProbe"/>), for the work to take when it
    /// runs: the task's delegate runs with <c>Task.CurrentId</c> set to that id. A fixed table indexed by the id's low
    /// bits, with no lock and no allocation: a later task with the same low bits replaces an entry never taken (that
    /// work's wait then goes unmeasured, never misattributed: the id is checked).
    /// </summary>
    internal static class QueueTimes
    {
        const int Size = 4096; // a power of two
        static readonly long[] Ids = new long[Size];
        static readonly long[] Ticks = new long[Size];

        public static void Record(int taskId, long queuedAt)
        {
            var i = taskId & (Size - 1);
            Volatile.Write(ref Ids[i], 0); // a reader between the two writes sees no entry rather than a mixed one
            Volatile.Write(ref Ticks[i], queuedAt);
            Volatile.Write(ref Ids[i], taskId);
        }

        /// <summary>When the task running on this thread was queued (Clock ticks), once; 0 when it was not recorded.</summary>
        public static long TakeCurrent()
        {
            if (!(System.Threading.Tasks.Task.CurrentId is int id)) return 0;
            var i = id & (Size - 1);
            if (Volatile.Read(ref Ids[i]) != id) return 0;
            var at = Volatile.Read(ref Ticks[i]);
            // taken by this one reader only, and only if no writer replaced the entry meanwhile
            return Interlocked.CompareExchange(ref Ids[i], 0, id) == id ? at : 0;
        }
    }
}
