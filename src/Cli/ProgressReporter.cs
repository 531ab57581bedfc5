using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using AsyncProf.Shared;

namespace AsyncProf.Cli
{
    /// <summary>
    /// "[3/40] weaving Foo.dll" on stderr once a run has taken more than a second, and only on a terminal: a
    /// redirected stderr (CI logs, files) gets no progress lines at all, so logs hold only results and errors. The
    /// line appears when the second is up even in the middle of a file, so one large assembly (Npgsql, Newtonsoft.Json
    /// take a second or two) shows what is going on too. ASYNCPROF_PROGRESS=1 forces plain progress lines (one per
    /// file), 0 turns them off.
    /// </summary>
    public sealed class ProgressReporter : IDisposable
    {
        static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

        readonly TextWriter err;
        readonly bool terminal;
        readonly bool forced;
        readonly Stopwatch watch = Stopwatch.StartNew();
        readonly object gate = new object();
        Timer? timer;
        string? current;
        bool lineOpen;

        public ProgressReporter(TextWriter stderr, bool isTerminal)
        {
            err = stderr;
            var setting = Environment.GetEnvironmentVariable("ASYNCPROF_PROGRESS");
            forced = setting == "1";
            terminal = setting != "0" && !forced && isTerminal;
        }

        /// <summary>Progress for the console the tool was started from: stderr is a terminal.</summary>
        public static ProgressReporter ForConsole(TextWriter stderr) =>
            new ProgressReporter(stderr, ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);

        public void Step(int done, int total, string what)
        {
            if (forced)
            {
                err.WriteLine($"asyncprof: [{done}/{total}] {OneLineText.Of(what)}");
                return;
            }
            if (!terminal) return;
            lock (gate)
            {
                current = $"[{done}/{total}] {OneLineText.Of(what)}";
                var left = Delay - watch.Elapsed;
                if (left <= TimeSpan.Zero)
                    Show();
                else
                    // Still inside the first second: show this step when it is up, unless the run is over by then.
                    timer ??= new Timer(_ => { lock (gate) if (current != null) Show(); }, null, left, Timeout.InfiniteTimeSpan);
            }
        }

        void Show()
        {
            err.Write("\r\u001b[K" + current);
            lineOpen = true;
        }

        /// <summary>Clears the progress line before ordinary output continues; no progress shows after it.</summary>
        public void Clear()
        {
            lock (gate)
            {
                timer?.Dispose();
                current = null;
                if (!lineOpen) return;
                err.Write("\r\u001b[K");
                lineOpen = false;
            }
        }

        public void Dispose() => Clear();
    }
}
