using System;
using System.Diagnostics;
using System.IO;

namespace AsyncProf.Cli
{
    /// <summary>
    /// "[3/40] weaving Foo.dll" on stderr for runs over many files, once they have taken more than a second, and
    /// only on a terminal: a redirected stderr (CI logs, files) gets no progress lines at all, so logs hold only
    /// results and errors. ASYNCPROF_PROGRESS=1 forces plain progress lines (one per file), 0 turns them off.
    /// </summary>
    public sealed class ProgressReporter
    {
        static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

        readonly TextWriter err;
        readonly bool terminal;
        readonly bool forced;
        readonly Stopwatch watch = Stopwatch.StartNew();
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
                err.WriteLine($"asyncprof: [{done}/{total}] {ConsoleText.OneLine(what)}");
                return;
            }
            if (!terminal || total < 2 || watch.Elapsed < Delay) return;
            err.Write($"\r\u001b[K[{done}/{total}] {ConsoleText.OneLine(what)}");
            lineOpen = true;
        }

        /// <summary>Clears the progress line before ordinary output continues.</summary>
        public void Clear()
        {
            if (!lineOpen) return;
            err.Write("\r\u001b[K");
            lineOpen = false;
        }
    }
}
