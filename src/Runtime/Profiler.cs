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

        /// <summary>
        /// Profiles one unit of work alone (one request among many concurrent ones): records only the calls made on
        /// the current execution-context flow from here on (the rest of the calling method, what it calls, awaits and
        /// queues), into a profile of its own. Every other flow pays one static check and one AsyncLocal read per
        /// call while a scope records anywhere. A scope started inside an async method covers that method and its
        /// callees, not its caller after it returns (the execution context does not flow back).
        /// <code>using var scope = Profiler.StartScope(); await next(context); scope.Save(path);</code>
        /// Within the flow, a scope takes the place of the whole-process session.
        /// </summary>
        public static ProfilingScope StartScope() => StartScope(new ProfilerOptions());

        public static ProfilingScope StartScope(ProfilerOptions options)
        {
            var timeline = options.RecordTimeline ? new Timeline(options.TimelineCapacity) : null;
            return new ProfilingScope(Recorder.StartScope(options.CpuWindowMicroseconds * 1000L, timeline));
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
