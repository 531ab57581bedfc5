using System.Threading.Tasks;

namespace AsyncProf
{
    /// <summary>
    /// What woven code calls around a blocking call site (Task.Wait, .Result, GetAwaiter().GetResult(), Monitor.Enter,
    /// SemaphoreSlim.Wait, Thread.Sleep, WaitHandle.WaitOne, Thread.Join): <c>start = Enter(); call; Exit(start, site)</c>.
    /// Kept apart from <see cref="Probe"/> (its hot path is not touched): the weaver only emits these in profiled
    /// copies, which run only while a session records. Nothing here allocates, locks or throws.
    /// </summary>
    public static class BlockingProbe
    {
        /// <summary>Called once per woven module that has blocking sites: registers them, returns the module's site id base.</summary>
        public static int RegisterSites(string siteTable, int functionBase) =>
            Recorder.Unprofiled(() => BlockingSites.Register(siteTable, functionBase));

        /// <summary>Before a blocking call: its start (Clock ticks), or 0 when nothing records.</summary>
        public static long Enter() => Probe.Active ? Clock.Now() : 0;

        /// <summary>Before <c>task.Result</c>: a task already complete does not block, and costs no clock read.</summary>
        public static long EnterTask(Task task) => task == null || task.IsCompleted || !Probe.Active ? 0 : Clock.Now();

        /// <summary>After the blocking call returned (a call that throws is not recorded).</summary>
        public static void Exit(long start, int site)
        {
            if (start != 0) BlockingSites.Record(site, start);
        }
    }
}
