using System;

namespace AsyncProf
{
    /// <summary>
    /// Profiling a region of code from the application itself:
    /// <code>Profiler.Start(); ...; Profiler.Stop(); Profiler.Save("profile.json");</code>
    /// Only woven methods are recorded. One session at a time: Start while one runs replaces it.
    /// </summary>
    public static class Profiler
    {
        static Session? last;

        /// <summary>True while a session records.</summary>
        public static bool IsProfiling => Recorder.Current != null;

        /// <summary>Starts a new session; what a previous one recorded is dropped.</summary>
        public static void Start()
        {
            var running = Recorder.Current;
            if (running != null) Recorder.Stop(running);
            last = Recorder.Start(EnvironmentSession.CpuWindowNs());
        }

        /// <summary>Stops recording; the session stays available to <see cref="Save"/>.</summary>
        public static void Stop()
        {
            if (last != null) Recorder.Stop(last);
        }

        /// <summary>Writes the last session (stopped or still running) to <paramref name="path"/> as asyncprof/1 JSON.</summary>
        public static void Save(string path)
        {
            var session = last ?? Recorder.Current ?? throw new InvalidOperationException("No profiling session: call Profiler.Start() first.");
            ProfileWriter.WriteFile(session, path);
        }
    }
}
