using System.Threading.Tasks;

namespace AsyncProf
{
    /// <summary>
    /// What woven code calls around a call that queues work to the thread pool and returns its task (Task.Run,
    /// TaskFactory.StartNew): <c>start = Before(); task = call; Queued(task, start)</c>. The work, when it starts,
    /// knows how long it waited for a thread (<see cref="QueueTimes"/>): the wall split's queued part of a caller
    /// suspended awaiting it. Like <see cref="BlockingProbe"/>, kept apart from <see cref="Probe"/> and emitted in
    /// profiled copies only (and in place in async MoveNext bodies, where idle it costs a static read).
    /// Nothing here allocates, locks or throws.
    /// </summary>
    public static class QueueProbe
    {
        /// <summary>Before the queuing call: now (Clock ticks), or 0 when nothing records.</summary>
        public static long Before() => Probe.Active ? Clock.Now() : 0;

        /// <summary>After it returned <paramref name="task"/>: the work was queued at <paramref name="start"/>.</summary>
        public static void Queued(Task? task, long start)
        {
            if (start != 0 && task != null && !task.IsCompleted) QueueTimes.Record(task.Id, start);
        }
    }
}
