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
        public static void Start() => Start(new ProfilerOptions());

        /// <summary>Starts a new session with <paramref name="options"/>; what a previous one recorded is dropped.</summary>
        public static void Start(ProfilerOptions options)
        {
            var running = Recorder.Current;
            if (running != null) Recorder.Stop(running);
            var timeline = options.RecordTimeline ? new Timeline(options.TimelineCapacity) : null;
            last = Recorder.Start(options.CpuWindowMicroseconds * 1000L, timeline);
        }

        /// <summary>Stops recording; the session stays available to <see cref="Save"/>.</summary>
        public static void Stop()
        {
            if (last != null) Recorder.Stop(last);
        }

        /// <summary>
        /// Writes the last session (stopped or still running) to <paramref name="path"/>: asyncprof/1 JSON for a
        /// plain <c>.json</c>, another format by extension when AsyncProf.Reports.dll is beside the runtime.
        /// </summary>
        public static void Save(string path)
        {
            var session = last ?? Recorder.Current ?? throw new InvalidOperationException("No profiling session: call Profiler.Start() first.");
            ProfileOutput.Write(session, path);
        }
    }
}
