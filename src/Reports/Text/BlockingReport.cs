using System;
using System.IO;
using System.Linq;
using AsyncProf.Reports.Formatting;

namespace AsyncProf.Reports.Text
{
    /// <summary>
    /// <c>asyncprof report --blocking</c>: the blocking call sites of woven code where the run blocked, most time
    /// first: the blocking frame, what it called, its file and line, calls, total and worst time blocked, and whether
    /// it blocked thread-pool threads (sync over async starves the pool).
    /// </summary>
    public static class BlockingReport
    {
        public static string Render(Profile profile)
        {
            var w = new StringWriter { NewLine = "\n" };
            Write(profile, w);
            return w.ToString();
        }

        public static void Write(Profile profile, TextWriter output)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            if (output == null) throw new ArgumentNullException(nameof(output));
            var sites = profile.BlockingSites.OrderByDescending(s => s.BlockedNs).ThenBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Line).ToList();
            if (sites.Count == 0)
            {
                output.WriteLine("no blocking call site was reached (Task.Wait, .Result, GetAwaiter().GetResult(), Monitor.Enter/lock, " +
                                 "SemaphoreSlim.Wait, Thread.Sleep, WaitHandle.WaitOne, Thread.Join in woven methods)");
                return;
            }
            var onPool = sites.Count(s => s.PoolThreadCount > 0);
            output.WriteLine($"{sites.Count} blocking call site{(sites.Count == 1 ? "" : "s")}, sorted by time blocked" +
                             (onPool > 0 ? $"; {onPool} blocked thread-pool threads" : ""));
            output.WriteLine();
            var table = new TextTable()
                .Column("function", Align.Left)
                .Column("call", Align.Left)
                .Column("file:line", Align.Left)
                .Column("calls", Align.Right)
                .Column("blocked", Align.Right)
                .Column("worst", Align.Right)
                .Column("pool thread", Align.Left);
            foreach (var s in sites)
                table.Row(s.Name, s.Call, Where(s), Units.Count(s.Count), Units.Duration(s.BlockedNs), Units.Duration(s.MaxNs),
                    s.PoolThreadCount == 0 ? "no" : $"yes: {Units.Count(s.PoolThreadCount)} of {Units.Count(s.Count)}, {Units.Duration(s.PoolThreadNs)}");
            table.Write(output);
            if (onPool > 0)
                output.WriteLine("pool thread: the call blocked a thread-pool thread; blocking one on work that needs another pool " +
                                 "thread (sync over async) can starve the pool");
        }

        static string Where(BlockingSite s) =>
            string.IsNullOrEmpty(s.File) ? (s.Line > 0 ? "?:" + s.Line : "?") : Path.GetFileName(s.File) + ":" + s.Line;
    }
}
