using System;

namespace AsyncProf
{
    /// <summary>
    /// Whole-process profiling: with ASYNCPROF_OUTPUT=&lt;path&gt; set, the first probe a woven method reaches starts a
    /// session, and the profile is written to that path when the process exits.
    /// ASYNCPROF_CPU_WINDOW_US sets the CPU window; ASYNCPROF_TIMELINE=1 records the per-call timeline (also implied
    /// by a trace output such as <c>profile.trace.json</c>), ASYNCPROF_TIMELINE_CAPACITY bounds it.
    /// </summary>
    internal static class EnvironmentSession
    {
        public static void StartIfRequested()
        {
            var path = EnvironmentSettings.Output;
            if (string.IsNullOrEmpty(path)) return;
            var timeline = ProfileOutput.NeedsTimeline(path!) || EnvironmentSettings.Timeline
                ? new Timeline(EnvironmentSettings.TimelineCapacity)
                : null;
            Sessions.StartFromEnvironment(EnvironmentSettings.CpuWindowNs, timeline);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Write(path!);
            // ProcessExit is not raised when the process dies of an unhandled exception: its profile matters most then
            AppDomain.CurrentDomain.UnhandledException += (_, e) => { if (e.IsTerminating) Write(path!); };
        }

        static int written; // the profile is written once: at exit, or at the unhandled exception that ends the process

        static void Write(string path)
        {
            if (System.Threading.Interlocked.Exchange(ref written, 1) != 0) return;
            var session = Sessions.FromEnvironment!; // set before these handlers were added
            try
            {
                Sessions.Stop(session);
                ProfileOutput.Write(session, path);
            }
            catch (Exception e)
            {
                // The process is exiting: the console is the only place left to say why there is no profile.
                Console.Error.WriteLine($"asyncprof: could not write {path}: {Shared.OneLineText.Of(e.Message)}");
            }
        }
    }
}
