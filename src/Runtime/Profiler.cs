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
        /// <summary>True while a session records.</summary>
        public static bool IsProfiling => Sessions.Current != null;

        /// <summary>Starts a new session; what a previous one recorded is dropped.</summary>
        public static void Start() => Start(new ProfilerOptions());

        /// <summary>Starts a new session with <paramref name="options"/>; what a previous one recorded is dropped.</summary>
        public static void Start(ProfilerOptions options) => Sessions.StartReplacing(options);

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

        public static ProfilingScope StartScope(ProfilerOptions options) => new ProfilingScope(Sessions.StartScope(options));

        /// <summary>Stops recording; the session stays available to <see cref="Save"/>.</summary>
        public static void Stop()
        {
            var last = Sessions.LastStarted;
            if (last != null) Sessions.Stop(last);
        }

        /// <summary>
        /// Writes the last session (stopped or still running) to <paramref name="path"/>: asyncprof/1 JSON for a
        /// plain <c>.json</c>, another format by extension when AsyncProf.Reports.dll is beside the runtime.
        /// </summary>
        public static void Save(string path)
        {
            var session = Sessions.LastStarted ?? Sessions.Current ?? throw new InvalidOperationException("No profiling session: call Profiler.Start() first.");
            ProfileOutput.Write(session, path);
        }
    }
}
